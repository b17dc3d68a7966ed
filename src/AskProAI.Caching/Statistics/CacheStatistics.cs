namespace AskProAI.Caching;

/// <summary>A snapshot of the cache's counters, for tools and pages.</summary>
public sealed record CacheStatistics
{
    /// <summary>Gets the counters per widget.</summary>
    public required IReadOnlyList<WidgetStatistics> Widgets { get; init; }

    /// <summary>Gets the counters per tier (sums of the widgets of the tier).</summary>
    public required IReadOnlyList<TierStatistics> Tiers { get; init; }

    /// <summary>Gets the number of entries in L1.</summary>
    public long Entries { get; init; }

    /// <summary>
    /// Gets the estimated bytes the cache keeps: its entries (each with its value, its serialized bytes and its
    /// bookkeeping) and the tag stamps of the companies it holds entries for. Bounded by the size limit.
    /// </summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Gets the number of companies whose state (tag stamps) is kept: those with an entry, a computation or day segments.</summary>
    public long Companies { get; init; }

    /// <summary>Gets how many entries were evicted to respect the size limits.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets how many times the cache layer failed and the value was computed directly.</summary>
    public long Fallbacks { get; init; }

    /// <summary>
    /// Gets how many invalidations were made: tags invalidated, and committed writes that had to drop a widget's cached
    /// value or a computation in flight of it instead of applying the change (its next read computes again).
    /// </summary>
    public long Invalidations { get; init; }

    /// <summary>
    /// Gets how many committed writes were applied to a widget's cached values of a company instead of invalidating them
    /// (single node, ADR 0015 and 0022): one per write and widget that updated at least one value in place and dropped
    /// none, so nothing is computed again. Not counted in <see cref="Invalidations"/>; a write that found nothing cached
    /// of the widget counts in neither.
    /// </summary>
    public long AppliedChanges { get; init; }

    /// <summary>Gets the state of the <c>cache</c> queue.</summary>
    public required QueueStatistics Queue { get; init; }

    /// <summary>Gets the slowest computations seen, slowest first.</summary>
    public required IReadOnlyList<SlowComputation> Slowest { get; init; }

    /// <summary>Gets the hit ratio over all widgets: (L1 hits + L2 hits + stale hits) / requests, or 0 with no request.</summary>
    public double HitRatio => Ratio(Widgets.Sum(w => w.Hits + w.L2Hits + w.StaleHits), Widgets.Sum(w => w.Requests));

    internal static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}
