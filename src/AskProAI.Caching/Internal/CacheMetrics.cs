using System.Diagnostics.Metrics;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The engine's instruments on one <see cref="Meter"/> made by <see cref="IMeterFactory"/>. Counters are
/// observed from the engine's own counters, so the hit path pays nothing for metrics; tags are widget, tier
/// and result only (low cardinality), never a key or a company id.
/// </summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "AskProAI.Caching";

    private readonly Meter _meter;
    private readonly Histogram<double> _computeDuration;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _computeDuration = _meter.CreateHistogram<double>(
            "askpro.cache.compute.duration", "s", "Time to compute a widget value on a miss or refresh.");
    }

    public Meter Meter => _meter;

    public void Attach(WidgetCache cache)
    {
        _meter.CreateObservableCounter("askpro.cache.requests", () => Requests(cache), "{request}", "Widget requests by result (hit from memory, l2_hit, miss, stale).");
        _meter.CreateObservableCounter("askpro.cache.refreshes", () => PerWidget(cache, c => c.Refreshes), "{refresh}", "Background refreshes and warms.");
        _meter.CreateObservableCounter("askpro.cache.errors", () => PerWidget(cache, c => c.Errors), "{error}", "Failed widget computations.");
        _meter.CreateObservableCounter("askpro.cache.timeouts", () => Timeouts(cache), "{request}", "Requests whose computation passed the soft timeout (answered stale) or the hard timeout (answered with an error), by kind.");
        _meter.CreateObservableCounter("askpro.cache.invalidations", () => cache.InvalidationCount, "{invalidation}", "Invalidations: tags invalidated, and committed writes that dropped a cached value or a computation in flight instead of being applied.");
        _meter.CreateObservableCounter("askpro.cache.applied_changes", () => cache.AppliedChangeCount, "{change}", "Committed writes applied to a widget's cached values instead of invalidating them (single node): nothing dropped, nothing computed again.");
        _meter.CreateObservableCounter(
            "askpro.cache.lease.refusals",
            () => cache.LeaseRefusals,
            "{request}",
            "Reads of a valid in-memory entry sent to L2 because this instance's backplane lease had run out (distributed mode, ADR 0024).");
        _meter.CreateObservableCounter("askpro.cache.fallbacks", () => cache.FallbackCount, "{fallback}", "Cache layer failures answered by computing directly.");
        _meter.CreateObservableUpDownCounter("askpro.cache.entries", () => cache.EntryCount, "{entry}", "Entries in the in-process cache.");
        _meter.CreateObservableUpDownCounter("askpro.cache.size", () => cache.EstimatedBytes, "By", "Estimated bytes of the in-process cache.");
        _meter.CreateObservableUpDownCounter("askpro.cache.queue.depth", () => (long)cache.Queue.Depth, "{item}", "Items waiting or running on the cache queue.");
    }

    public void RecordComputation(WidgetHandle widget, TimeSpan elapsed)
    {
        if (_computeDuration.Enabled)
        {
            _computeDuration.Record(elapsed.TotalSeconds, new("widget", widget.Name), new("tier", widget.Tier.Name()));
        }
    }

    private static IEnumerable<Measurement<long>> Requests(WidgetCache cache)
    {
        foreach (var w in cache.Widgets)
        {
            yield return new(w.Counters.Hits, new("widget", w.Name), new("tier", w.Tier.Name()), new("result", "hit"));
            yield return new(w.Counters.L2Hits, new("widget", w.Name), new("tier", w.Tier.Name()), new("result", "l2_hit"));
            yield return new(w.Counters.Misses, new("widget", w.Name), new("tier", w.Tier.Name()), new("result", "miss"));
            yield return new(w.Counters.StaleHits, new("widget", w.Name), new("tier", w.Tier.Name()), new("result", "stale"));
        }
    }

    private static IEnumerable<Measurement<long>> Timeouts(WidgetCache cache)
    {
        foreach (var w in cache.Widgets)
        {
            yield return new(w.Counters.SoftTimeouts, new("widget", w.Name), new("tier", w.Tier.Name()), new("kind", "soft"));
            yield return new(w.Counters.HardTimeouts, new("widget", w.Name), new("tier", w.Tier.Name()), new("kind", "hard"));
        }
    }

    private static IEnumerable<Measurement<long>> PerWidget(WidgetCache cache, Func<WidgetCounters, long> read)
    {
        foreach (var w in cache.Widgets)
        {
            yield return new(read(w.Counters), new("widget", w.Name), new("tier", w.Tier.Name()));
        }
    }
}
