using System.Diagnostics.Metrics;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// The Redis layer's instruments on one <see cref="Meter"/> made by <see cref="IMeterFactory"/>. Tags are
/// low-cardinality (event, operation, result), never a key, a tag or a company id.
/// </summary>
internal sealed class RedisMetrics
{
    public const string MeterName = "AskProAI.Caching.Redis";

    private readonly Counter<long> _connectionEvents;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _backplaneMessages;
    private readonly Counter<long> _invalidEntries;
    private readonly Counter<long> _acks;
    private readonly Histogram<double> _ackWait;
    private readonly Counter<long> _leaseLapses;
    private readonly Histogram<double> _leaseLapse;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(MeterName);
        _connectionEvents = Meter.CreateCounter<long>("askpro.redis.connection.events", "{event}", "Connection failures and restorations, by event.");
        _failures = Meter.CreateCounter<long>("askpro.redis.operation.failures", "{failure}", "Redis operations that failed or timed out, by operation.");
        _rejections = Meter.CreateCounter<long>("askpro.redis.circuit.rejections", "{call}", "Calls failed fast by the open circuit breaker, by operation.");
        _backplaneMessages = Meter.CreateCounter<long>("askpro.redis.backplane.messages", "{message}", "Backplane messages received, by result (applied, own, invalid, later-release).");
        _invalidEntries = Meter.CreateCounter<long>("askpro.redis.l2.invalid_entries", "{entry}", "L2 values that could not be decoded and were treated as misses.");
        _acks = Meter.CreateCounter<long>(
            "askpro.redis.backplane.acknowledgements",
            "{message}",
            "This instance's invalidation messages by how their wait for the other instances ended (confirmed, lease, timeout, alone).");
        _ackWait = Meter.CreateHistogram<double>(
            "askpro.redis.backplane.acknowledgement.wait",
            "ms",
            "How long an invalidation waited, after its PUBLISH, until every other live instance had applied it (or its lease had run out).");
        _leaseLapses = Meter.CreateCounter<long>(
            "askpro.redis.backplane.lease.lapses",
            "{lapse}",
            "Times this instance's backplane lease had run out when a heartbeat came back and renewed it (ADR 0024); meanwhile L1 was not served.");
        _leaseLapse = Meter.CreateHistogram<double>(
            "askpro.redis.backplane.lease.lapse",
            "ms",
            "How long this instance's backplane lease had been run out when it was renewed.");
    }

    public Meter Meter { get; }

    public void ConnectionEvent(string name) => _connectionEvents.Add(1, new KeyValuePair<string, object?>("event", name));

    public void Failure(string operation) => _failures.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void Rejected(string operation) => _rejections.Add(1, new KeyValuePair<string, object?>("operation", operation));

    public void BackplaneMessage(string result) => _backplaneMessages.Add(1, new KeyValuePair<string, object?>("result", result));

    public void InvalidEntry() => _invalidEntries.Add(1);

    public void Acknowledged(string result, double waitMs)
    {
        _acks.Add(1, new KeyValuePair<string, object?>("result", result));
        if (result != "alone")
        {
            _ackWait.Record(waitMs, new KeyValuePair<string, object?>("result", result));
        }
    }

    public void LeaseLapsed(double lapsedMs)
    {
        _leaseLapses.Add(1);
        _leaseLapse.Record(lapsedMs);
    }
}
