using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>The state of a cache job.</summary>
internal enum CacheJobState
{
    /// <summary>Waiting on the <c>cache</c> queue.</summary>
    Queued = 0,

    /// <summary>Computing.</summary>
    Running = 1,

    /// <summary>Done; some computations may have failed (see <see cref="CacheJob.Failed"/>).</summary>
    Completed = 2,

    /// <summary>The job itself could not run (queue full, cancelled at shutdown).</summary>
    Failed = 3,
}

/// <summary>One refresh or warm job and its progress; counters are updated by the workers, read by the API.</summary>
internal sealed class CacheJob(string id, string kind, string scope, int companies, int widgets, int total, DateTimeOffset createdAt)
{
    private int _completed;
    private int _failed;
    private volatile CacheJobState _state;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _finishedAt;

    /// <summary>Gets the job id.</summary>
    public string Id { get; } = id;

    /// <summary>Gets the kind: <c>refresh</c>, <c>warm</c> or <c>prehour</c>.</summary>
    public string Kind { get; } = kind;

    /// <summary>Gets a human description of what is computed.</summary>
    public string Scope { get; } = scope;

    /// <summary>Gets the number of companies covered.</summary>
    public int Companies { get; } = companies;

    /// <summary>Gets the number of widgets per company.</summary>
    public int Widgets { get; } = widgets;

    /// <summary>Gets the number of computations.</summary>
    public int Total { get; } = total;

    /// <summary>Gets when the job was created.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Gets the state.</summary>
    public CacheJobState State => _state;

    /// <summary>Gets the computations done.</summary>
    public int Completed => Volatile.Read(ref _completed);

    /// <summary>Gets the computations that failed.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Gets when the job started running.</summary>
    public DateTimeOffset? StartedAt => _startedAt;

    /// <summary>Gets when the job finished.</summary>
    public DateTimeOffset? FinishedAt => _finishedAt;

    /// <summary>Whether the job is completed or failed.</summary>
    public bool IsFinished => _state is CacheJobState.Completed or CacheJobState.Failed;

    /// <summary>Marks the job running.</summary>
    public void Start(DateTimeOffset at)
    {
        _startedAt = at;
        _state = CacheJobState.Running;
    }

    /// <summary>Counts one computation done.</summary>
    public void ItemCompleted() => Interlocked.Increment(ref _completed);

    /// <summary>Counts one computation failed.</summary>
    public void ItemFailed() => Interlocked.Increment(ref _failed);

    /// <summary>Marks the job finished; a job whose every computation failed is failed.</summary>
    public void Finish(DateTimeOffset at, bool jobFailed = false)
    {
        _startedAt ??= at;
        _finishedAt = at;
        _state = jobFailed || (Total > 0 && Failed == Total) ? CacheJobState.Failed : CacheJobState.Completed;
    }
}

/// <summary>The recent cache jobs by id: every running job and the last <see cref="CacheWarmOptions.JobsKept"/> jobs.</summary>
internal sealed class CacheJobTracker(TimeProvider time, IOptions<CacheWarmOptions> options)
{
    private readonly ConcurrentDictionary<string, CacheJob> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _order = new();
    private readonly int _kept = options.Value.JobsKept;
    private long _sequence;

    /// <summary>Creates and tracks a queued job.</summary>
    public CacheJob Create(string kind, string scope, int companies, int widgets)
    {
        var now = time.GetUtcNow();

        // Sortable and unique within the process; not a secret.
        var id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyyMMddHHmmss}-{Interlocked.Increment(ref _sequence):D4}-{Guid.NewGuid():N}")[..32];
        var job = new CacheJob(id, kind, scope, companies, widgets, companies * widgets, now);
        _jobs[id] = job;
        _order.Enqueue(id);
        Trim();
        return job;
    }

    /// <summary>Finds a job by id.</summary>
    public bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CacheJob? job) => _jobs.TryGetValue(id, out job);

    /// <summary>Gets the tracked jobs, newest first.</summary>
    public IReadOnlyList<CacheJob> Recent() => [.. _jobs.Values.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal)];

    private void Trim()
    {
        // Drops the oldest finished jobs past the limit; a running job is kept however old.
        var skipped = new List<string>();
        while (_jobs.Count > _kept && _order.TryDequeue(out var oldest))
        {
            if (_jobs.TryGetValue(oldest, out var job) && !job.IsFinished)
            {
                skipped.Add(oldest);
                continue;
            }

            _jobs.TryRemove(oldest, out _);
        }

        foreach (var id in skipped)
        {
            _order.Enqueue(id);
        }
    }
}
