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

    /// <summary>Gets the estimated bytes of the values in L1.</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Gets how many entries were evicted to respect the size limits.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets how many times the cache layer failed and the value was computed directly.</summary>
    public long Fallbacks { get; init; }

    /// <summary>Gets how many invalidations were made.</summary>
    public long Invalidations { get; init; }

    /// <summary>Gets the state of the <c>cache</c> queue.</summary>
    public required QueueStatistics Queue { get; init; }

    /// <summary>Gets the slowest computations seen, slowest first.</summary>
    public required IReadOnlyList<SlowComputation> Slowest { get; init; }

    /// <summary>Gets the hit ratio over all widgets: (L1 hits + L2 hits + stale hits) / requests, or 0 with no request.</summary>
    public double HitRatio => Ratio(Widgets.Sum(w => w.Hits + w.L2Hits + w.StaleHits), Widgets.Sum(w => w.Requests));

    internal static double Ratio(long part, long whole) => whole == 0 ? 0 : (double)part / whole;
}

/// <summary>Counters of one widget.</summary>
/// <param name="Widget">The widget name.</param>
/// <param name="Tier">The widget's tier.</param>
/// <param name="Hits">Fresh values served from memory (L1).</param>
/// <param name="Misses">Requests that waited for a computation.</param>
/// <param name="StaleHits">Older values served (rollover, fail-safe).</param>
/// <param name="Refreshes">Background and explicit refreshes.</param>
/// <param name="Errors">Failed computations.</param>
/// <param name="Computations">Computations run.</param>
/// <param name="TotalComputeTime">The time spent computing.</param>
/// <param name="Mode">The widget's cache mode.</param>
/// <param name="OptimizedPercent">The share of companies on Optimized.</param>
/// <param name="L2Hits">Fresh values read from the shared L2 without computing (another instance computed them).</param>
public sealed record WidgetStatistics(
    string Widget,
    WidgetTier Tier,
    long Hits,
    long Misses,
    long StaleHits,
    long Refreshes,
    long Errors,
    long Computations,
    TimeSpan TotalComputeTime,
    CacheMode Mode = CacheMode.Optimized,
    int OptimizedPercent = 100,
    long L2Hits = 0)
{
    /// <summary>Gets the number of requests (L1 hits, L2 hits, misses and stale hits).</summary>
    public long Requests => Hits + L2Hits + Misses + StaleHits;

    /// <summary>Gets the hit ratio: (L1 hits + L2 hits + stale hits) / requests.</summary>
    public double HitRatio => CacheStatistics.Ratio(Hits + L2Hits + StaleHits, Requests);

    /// <summary>Gets the mean computation time.</summary>
    public TimeSpan MeanComputeTime => Computations == 0 ? TimeSpan.Zero : TotalComputeTime / Computations;
}

/// <summary>Counters of one tier (sums of its widgets; see <see cref="WidgetStatistics"/>).</summary>
/// <param name="Tier">The tier.</param>
/// <param name="Hits">Fresh values served from memory (L1).</param>
/// <param name="Misses">Requests that waited for a computation.</param>
/// <param name="StaleHits">Older values served.</param>
/// <param name="Refreshes">Background and explicit refreshes.</param>
/// <param name="Errors">Failed computations.</param>
/// <param name="Computations">Computations run.</param>
/// <param name="TotalComputeTime">The time spent computing.</param>
/// <param name="L2Hits">Fresh values read from the shared L2 without computing.</param>
public sealed record TierStatistics(
    WidgetTier Tier,
    long Hits,
    long Misses,
    long StaleHits,
    long Refreshes,
    long Errors,
    long Computations,
    TimeSpan TotalComputeTime,
    long L2Hits = 0)
{
    /// <summary>Gets the number of requests.</summary>
    public long Requests => Hits + L2Hits + Misses + StaleHits;

    /// <summary>Gets the hit ratio.</summary>
    public double HitRatio => CacheStatistics.Ratio(Hits + L2Hits + StaleHits, Requests);

    /// <summary>Gets the mean computation time.</summary>
    public TimeSpan MeanComputeTime => Computations == 0 ? TimeSpan.Zero : TotalComputeTime / Computations;
}

/// <summary>State of the <c>cache</c> queue.</summary>
public sealed record QueueStatistics(int Depth, int Capacity, int Workers, long Enqueued, long Completed, long Failed, long Rejected);

/// <summary>One slow computation.</summary>
public sealed record SlowComputation(string Widget, int CompanyId, TimeSpan Duration, DateTimeOffset At);
