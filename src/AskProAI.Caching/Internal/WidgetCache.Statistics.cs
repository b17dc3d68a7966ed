namespace AskProAI.Caching.Internal;

/// <summary>Counters, slow computations and the statistics snapshot.</summary>
internal sealed partial class WidgetCache
{
    private readonly Lock _slowGate = new();
    private readonly List<SlowComputation> _slowest = [];

    private void RecordComputation(WidgetHandle widget, int companyId, TimeSpan elapsed)
    {
        widget.Counters.Computed(elapsed);
        _metrics?.RecordComputation(widget, elapsed);
        if (elapsed >= _options.SlowComputationThreshold)
        {
            Log.SlowComputation(_logger, widget.Name, companyId, elapsed.TotalMilliseconds);
        }

        if (_options.SlowestKept == 0)
        {
            return;
        }

        lock (_slowGate)
        {
            if (_slowest.Count == _options.SlowestKept && _slowest[^1].Duration >= elapsed)
            {
                return;
            }

            var item = new SlowComputation(widget.Name, companyId, elapsed, _time.GetUtcNow());
            var index = _slowest.FindIndex(s => s.Duration < elapsed);
            _slowest.Insert(index < 0 ? _slowest.Count : index, item);
            if (_slowest.Count > _options.SlowestKept)
            {
                _slowest.RemoveAt(_slowest.Count - 1);
            }
        }
    }

    internal System.Diagnostics.Metrics.Meter? Meter => _metrics?.Meter;

    internal long EntryCount => Volatile.Read(ref _count);

    internal long EstimatedBytes => Volatile.Read(ref _bytes);

    internal long FallbackCount => Volatile.Read(ref _fallbacks);

    internal long InvalidationCount => Volatile.Read(ref _invalidations);

    internal long AppliedChangeCount => Volatile.Read(ref _appliedChanges);

    public CacheStatistics GetStatistics()
    {
        var widgets = Volatile.Read(ref _widgets)
            .Select(w => new WidgetStatistics(
                w.Name, w.Tier, w.Counters.Hits, w.Counters.Misses, w.Counters.StaleHits, w.Counters.Refreshes,
                w.Counters.Errors, w.Counters.Computations, w.Counters.ComputeTime, w.Mode, w.OptimizedPercent, w.Counters.L2Hits, w.Counters.ChangesApplied,
                w.Counters.SoftTimeouts, w.Counters.HardTimeouts))
            .ToArray();
        var tiers = new List<TierStatistics>();
        foreach (var tier in WidgetTiers.All)
        {
            var of = widgets.Where(w => w.Tier == tier).ToArray();
            tiers.Add(new TierStatistics(
                tier, of.Sum(w => w.Hits), of.Sum(w => w.Misses), of.Sum(w => w.StaleHits), of.Sum(w => w.Refreshes),
                of.Sum(w => w.Errors), of.Sum(w => w.Computations), TimeSpan.FromTicks(of.Sum(w => w.TotalComputeTime.Ticks)), of.Sum(w => w.L2Hits),
                of.Sum(w => w.SoftTimeouts), of.Sum(w => w.HardTimeouts)));
        }

        SlowComputation[] slowest;
        lock (_slowGate)
        {
            slowest = [.. _slowest];
        }

        return new CacheStatistics
        {
            Widgets = widgets,
            Tiers = tiers,
            Entries = Volatile.Read(ref _count),
            EstimatedBytes = Volatile.Read(ref _bytes),
            Companies = _companies.Count,
            Evictions = Volatile.Read(ref _evictions),
            Fallbacks = Volatile.Read(ref _fallbacks),
            Invalidations = Volatile.Read(ref _invalidations),
            AppliedChanges = Volatile.Read(ref _appliedChanges),
            Queue = _queue.GetStatistics(),
            Slowest = slowest,
        };
    }
}
