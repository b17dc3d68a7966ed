namespace AskProAI.Caching;

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
/// <param name="SoftTimeouts">Stale values served because a computation passed the soft timeout.</param>
/// <param name="HardTimeouts">Requests answered with a timeout error because a computation passed the hard timeout.</param>
public sealed record TierStatistics(
    WidgetTier Tier,
    long Hits,
    long Misses,
    long StaleHits,
    long Refreshes,
    long Errors,
    long Computations,
    TimeSpan TotalComputeTime,
    long L2Hits = 0,
    long SoftTimeouts = 0,
    long HardTimeouts = 0)
{
    /// <summary>Gets the number of requests.</summary>
    public long Requests => Hits + L2Hits + Misses + StaleHits;

    /// <summary>Gets the hit ratio.</summary>
    public double HitRatio => CacheStatistics.Ratio(Hits + L2Hits + StaleHits, Requests);

    /// <summary>Gets the mean computation time.</summary>
    public TimeSpan MeanComputeTime => Computations == 0 ? TimeSpan.Zero : TotalComputeTime / Computations;
}
