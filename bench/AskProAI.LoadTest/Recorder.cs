using System.Collections.Concurrent;

namespace AskProAI.LoadTest;

/// <summary>Thread-safe collection of latencies and counts for one phase.</summary>
internal sealed class Recorder
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();

    public void Latency(string series, double ms) => _latencies.GetOrAdd(series, _ => []).Add(ms);

    public void Count(string name, long by = 1) => _counts.AddOrUpdate(name, by, (_, v) => v + by);

    public long Get(string name) => _counts.TryGetValue(name, out var v) ? v : 0;

    public IReadOnlyDictionary<string, LatencySummary> Summaries() =>
        _latencies.ToDictionary(kv => kv.Key, kv => LatencySummary.Of([.. kv.Value]));

    public IReadOnlyDictionary<string, long> Counts() => new SortedDictionary<string, long>(_counts);
}

/// <summary>Percentiles of one latency series, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static LatencySummary Of(double[] values)
    {
        if (values.Length == 0)
        {
            return new(0, 0, 0, 0, 0, 0);
        }

        Array.Sort(values);
        double At(double q) => values[Math.Min(values.Length - 1, (int)Math.Ceiling(q * values.Length) - 1)];
        return new(values.Length, At(0.50), At(0.95), At(0.99), values[^1], values.Average());
    }
}
