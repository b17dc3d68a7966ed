using System.Diagnostics;
using System.Globalization;

namespace AskProAI.LoadTest;

/// <summary>
/// Scrapes every instance's <c>/metrics</c> (OpenTelemetry Prometheus text) at a fixed interval during a phase, once
/// at its start and once at its end: process working set, GC heap, cache size, CPU time and server-side 5xx answers.
/// </summary>
internal sealed class MemorySampler(ServiceClient client, TimeSpan interval, Recorder recorder)
{
    private readonly List<MemorySample> _samples = [];

    /// <summary>Samples until <paramref name="ct"/> is cancelled, then once more; returns every sample taken.</summary>
    public async Task<IReadOnlyList<MemorySample>> RunAsync(long started, CancellationToken ct)
    {
        for (var tick = 1; !ct.IsCancellationRequested; tick++)
        {
            await SampleAllAsync(started, ct);
            var wait = (interval * tick) - Stopwatch.GetElapsedTime(started);
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
        }

        // The end of the phase; bounded by the client's timeout.
        await SampleAllAsync(started, CancellationToken.None);
        return _samples;
    }

    private async Task SampleAllAsync(long started, CancellationToken ct)
    {
        for (var i = 0; i < client.MetricsInstances; i++)
        {
            try
            {
                var text = await client.MetricsAsync(i, ct);
                _samples.Add(MemorySample.Parse(i, Stopwatch.GetElapsedTime(started).TotalSeconds, text));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or FormatException)
            {
                recorder.Error("metrics " + ex.GetType().Name);
            }
        }
    }
}

/// <summary>One scrape of one instance; a value is null when the instance does not expose that metric.</summary>
/// <param name="Instance">The instance, by its position in <c>--instance-url</c> (or <c>--url</c> without it).</param>
/// <param name="AtSeconds">Seconds since the phase started.</param>
/// <param name="WorkingSetBytes"><c>dotnet_process_memory_working_set_bytes</c>.</param>
/// <param name="GcHeapBytes">Sum over generations of <c>dotnet_gc_last_collection_heap_size_bytes</c>.</param>
/// <param name="GcCommittedBytes"><c>dotnet_gc_last_collection_memory_committed_size_bytes</c>.</param>
/// <param name="Gen2Collections"><c>dotnet_gc_collections_total{gc_heap_generation="gen2"}</c>.</param>
/// <param name="CpuSeconds">Sum of <c>dotnet_process_cpu_time_seconds_total</c> (user and system).</param>
/// <param name="CacheEntries"><c>askpro_cache_entries</c> (L1).</param>
/// <param name="CacheBytes"><c>askpro_cache_size_bytes</c> (L1, estimated).</param>
/// <param name="Http5xx">Sum of <c>http_server_request_duration_seconds_count</c> with a 5xx status code.</param>
/// <param name="RedisFailures">Sum of <c>askpro_redis_operation_failures_total</c>.</param>
/// <param name="DatabaseSeconds">Sum of <c>askpro_db_query_duration_seconds_sum</c>: database time of every command so far.</param>
internal sealed record MemorySample(
    int Instance,
    double AtSeconds,
    double? WorkingSetBytes,
    double? GcHeapBytes,
    double? GcCommittedBytes,
    double? Gen2Collections,
    double? CpuSeconds,
    double? CacheEntries,
    double? CacheBytes,
    double? Http5xx,
    double? RedisFailures,
    double? DatabaseSeconds = null)
{
    /// <summary>Reads the values this report uses from one Prometheus text exposition.</summary>
    public static MemorySample Parse(int instance, double atSeconds, string text)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string key, double value) => sums[key] = sums.GetValueOrDefault(key) + value;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.IsEmpty || line[0] == '#' || !TryParseLine(line, out var name, out var labels, out var value))
            {
                continue;
            }

            Add(name, value);
            if (name == "dotnet_gc_collections_total" && labels.Contains("gc_heap_generation=\"gen2\"", StringComparison.Ordinal))
            {
                Add("gen2", value);
            }
            else if (name == "http_server_request_duration_seconds_count" && labels.Contains("http_response_status_code=\"5", StringComparison.Ordinal))
            {
                Add("http5xx", value);
            }
        }

        double? Get(string key) => sums.TryGetValue(key, out var v) ? v : null;
        return new MemorySample(
            instance,
            atSeconds,
            Get("dotnet_process_memory_working_set_bytes"),
            Get("dotnet_gc_last_collection_heap_size_bytes"),
            Get("dotnet_gc_last_collection_memory_committed_size_bytes"),
            Get("gen2"),
            Get("dotnet_process_cpu_time_seconds_total"),
            Get("askpro_cache_entries"),
            Get("askpro_cache_size_bytes"),
            Get("http5xx") ?? (sums.ContainsKey("http_server_request_duration_seconds_count") ? 0 : null),
            Get("askpro_redis_operation_failures_total"),
            Get("askpro_db_query_duration_seconds_sum"));
    }

    /// <summary>Splits <c>name{labels} value [timestamp]</c>; label values may hold braces and spaces inside quotes.</summary>
    private static bool TryParseLine(ReadOnlySpan<char> line, out string name, out string labels, out double value)
    {
        name = labels = string.Empty;
        value = 0;
        var nameEnd = line.IndexOfAny('{', ' ');
        if (nameEnd <= 0)
        {
            return false;
        }

        name = line[..nameEnd].ToString();
        var rest = line[nameEnd..];
        if (rest[0] == '{')
        {
            var quoted = false;
            var close = -1;
            for (var i = 1; i < rest.Length && close < 0; i++)
            {
                if (rest[i] == '\\')
                {
                    i++;
                }
                else if (rest[i] == '"')
                {
                    quoted = !quoted;
                }
                else if (rest[i] == '}' && !quoted)
                {
                    close = i;
                }
            }

            if (close < 0)
            {
                return false;
            }

            labels = rest[1..close].ToString();
            rest = rest[(close + 1)..];
        }

        rest = rest.Trim();
        var space = rest.IndexOf(' ');
        var number = space < 0 ? rest : rest[..space];
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }
}

/// <summary>
/// Whether one instance's memory levelled off, by a simple stated rule: the highest working set of the last third of
/// the run is at most <see cref="Tolerance"/> above the highest of the middle third (the first third is warm-up).
/// </summary>
internal sealed record MemoryVerdict(int Instance, double? MiddleMaxBytes, double? LastMaxBytes, double? MiddleHeapMaxBytes, double? LastHeapMaxBytes, bool? LevelsOff)
{
    public const double Tolerance = 0.10;

    public const string Rule = "levels off when the last third's highest working set is at most 10 % above the middle third's highest (the first third is warm-up)";

    public double? Growth => MiddleMaxBytes is > 0 && LastMaxBytes is { } last ? (last / MiddleMaxBytes.Value) - 1 : null;

    public double? HeapGrowth => MiddleHeapMaxBytes is > 0 && LastHeapMaxBytes is { } last ? (last / MiddleHeapMaxBytes.Value) - 1 : null;

    public static MemoryVerdict Of(int instance, IEnumerable<MemorySample> samples, TimeSpan elapsed)
    {
        var third = elapsed.TotalSeconds / 3;
        var mine = samples.Where(s => s.Instance == instance).ToList();
        var middle = mine.Where(s => s.AtSeconds >= third && s.AtSeconds < 2 * third).ToList();
        var last = mine.Where(s => s.AtSeconds >= 2 * third).ToList();
        static double? Max(List<MemorySample> xs, Func<MemorySample, double?> f) => xs.Select(f).Where(v => v is not null).Max();
        var middleMax = Max(middle, s => s.WorkingSetBytes);
        var lastMax = Max(last, s => s.WorkingSetBytes);
        bool? levelsOff = middleMax is { } m && lastMax is { } l ? l <= m * (1 + Tolerance) : null;
        return new MemoryVerdict(instance, middleMax, lastMax, Max(middle, s => s.GcHeapBytes), Max(last, s => s.GcHeapBytes), levelsOff);
    }
}
