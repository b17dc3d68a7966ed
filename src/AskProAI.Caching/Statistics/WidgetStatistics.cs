namespace AskProAI.Caching;

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
/// <param name="ChangesApplied">Committed writes applied to cached values instead of dropping them (single node, ADR 0015).</param>
/// <param name="SoftTimeouts">Stale values served because a computation passed the soft timeout (also in <paramref name="StaleHits"/>).</param>
/// <param name="HardTimeouts">Requests answered with a <see cref="WidgetTimeoutException"/> (also in <paramref name="Misses"/>).</param>
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
    long L2Hits = 0,
    long ChangesApplied = 0,
    long SoftTimeouts = 0,
    long HardTimeouts = 0)
{
    /// <summary>Gets the number of requests (L1 hits, L2 hits, misses and stale hits).</summary>
    public long Requests => Hits + L2Hits + Misses + StaleHits;

    /// <summary>Gets the hit ratio: (L1 hits + L2 hits + stale hits) / requests.</summary>
    public double HitRatio => CacheStatistics.Ratio(Hits + L2Hits + StaleHits, Requests);

    /// <summary>Gets the mean computation time.</summary>
    public TimeSpan MeanComputeTime => Computations == 0 ? TimeSpan.Zero : TotalComputeTime / Computations;
}
