using System.Collections.Concurrent;

namespace AskProAI.LoadTest;

/// <summary>Thread-safe collection of latencies, counts, errors by kind and webhook event ids for one phase.</summary>
internal sealed class Recorder
{
    /// <summary>The prefix of the per-kind error counts (<c>error:dashboard HTTP 500</c>).</summary>
    public const string ErrorPrefix = "error:";

    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<string, long> _counts = new();
    private readonly ConcurrentDictionary<string, SentEvent> _events = new();

    public void Latency(string series, double ms) => _latencies.GetOrAdd(series, _ => []).Add(ms);

    public void Count(string name, long by = 1) => _counts.AddOrUpdate(name, by, (_, v) => v + by);

    /// <summary>Counts one error in the total and under its kind, e.g. <c>dashboard HTTP 500</c> or <c>webhook TaskCanceledException</c>.</summary>
    public void Error(string kind)
    {
        Count("errors");
        Count(ErrorPrefix + kind);
    }

    /// <summary>Notes a webhook about to be sent (its outcome unknown until <see cref="Acknowledged"/>).</summary>
    public void Sent(string eventId, int company, string externalCallId) => _events[eventId] = new SentEvent(eventId, company, externalCallId, false);

    /// <summary>Notes that the service acknowledged the webhook with a 2xx.</summary>
    public void Acknowledged(string eventId) => _events.AddOrUpdate(eventId, id => throw new KeyNotFoundException(id), (_, e) => e with { Acknowledged = true });

    public long Get(string name) => _counts.TryGetValue(name, out var v) ? v : 0;

    public IReadOnlyDictionary<string, LatencySummary> Summaries() =>
        _latencies.ToDictionary(kv => kv.Key, kv => LatencySummary.Of([.. kv.Value]));

    public IReadOnlyDictionary<string, long> Counts() => new SortedDictionary<string, long>(_counts);

    public IReadOnlyList<SentEvent> Events() => [.. _events.Values.OrderBy(e => e.EventId, StringComparer.Ordinal)];
}

/// <summary>A webhook the simulator sent, and whether the service acknowledged it.</summary>
/// <param name="EventId">The event id.</param>
/// <param name="Company">The company.</param>
/// <param name="ExternalCallId">The call it started.</param>
/// <param name="Acknowledged">Whether a 2xx answer came back.</param>
internal sealed record SentEvent(string EventId, int Company, string ExternalCallId, bool Acknowledged);

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
