using System.Diagnostics;
using AskProAI.Caching;
using AskProAI.Contracts;
using AskProAI.Web.Features.Monitoring;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>Samples the engine statistics every 10 seconds into a ring buffer of the last hour.</summary>
internal sealed class CacheStatsHistory(IWidgetCache cache, DatabaseMetrics database, TimeProvider time)
{
    /// <summary>The sampling interval.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    /// <summary>The number of samples kept: one hour.</summary>
    public const int Capacity = 360;

    private readonly CacheSample[] _ring = new CacheSample[Capacity];
    private readonly Lock _gate = new();
    private int _next;
    private int _count;
    private long _lastHits;
    private long _lastRequests;

    /// <summary>Takes a sample now and keeps it.</summary>
    public CacheSample Sample()
    {
        lock (_gate)
        {
            var sample = Take(out var hits, out var requests);
            _lastHits = hits;
            _lastRequests = requests;
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
            return sample;
        }
    }

    /// <summary>A sample of now that is not kept (the live end of the charts).</summary>
    public CacheSample Current()
    {
        lock (_gate)
        {
            return Take(out _, out _);
        }
    }

    /// <summary>The samples kept, oldest first.</summary>
    public IReadOnlyList<CacheSample> Samples()
    {
        lock (_gate)
        {
            var result = new CacheSample[_count];
            for (var i = 0; i < _count; i++)
            {
                result[i] = _ring[(_next - _count + i + Capacity) % Capacity];
            }

            return result;
        }
    }

    /// <summary>The process memory: working set and managed heap.</summary>
    public static (long WorkingSetBytes, long GcHeapBytes) Memory()
    {
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    private CacheSample Take(out long hits, out long requests)
    {
        var stats = cache.GetStatistics();
        hits = stats.Widgets.Sum(w => w.Hits + w.L2Hits + w.StaleHits);
        requests = stats.Widgets.Sum(w => w.Requests);
        var newRequests = requests - _lastRequests;
        double? ratio = newRequests > 0 ? (double)(hits - _lastHits) / newRequests : null;
        var (workingSet, heap) = Memory();
        return new CacheSample
        {
            At = time.GetUtcNow(),
            HitRatio = ratio,
            CumulativeHitRatio = stats.HitRatio,
            Requests = requests,
            Entries = stats.Entries,
            EstimatedBytes = stats.EstimatedBytes,
            QueueDepth = stats.Queue.Depth,
            WorkingSetBytes = workingSet,
            GcHeapBytes = heap,
            DatabaseQueries = database.Queries,
        };
    }
}

/// <summary>Feeds <see cref="CacheStatsHistory"/> every <see cref="CacheStatsHistory.Interval"/>.</summary>
internal sealed class CacheStatsSampler(CacheStatsHistory history, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        history.Sample();
        using var timer = new PeriodicTimer(CacheStatsHistory.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            history.Sample();
        }
    }
}
