namespace AskProAI.Contracts;

/// <summary>Counters of one tier (sums of its widgets; see <see cref="WidgetStats"/>).</summary>
public sealed record TierStats
{
    /// <summary>Gets the tier: <c>live</c>, <c>statistics</c> or <c>heavy</c>.</summary>
    public string Tier { get; init; } = string.Empty;

    /// <summary>Gets the fresh values served from memory (L1).</summary>
    public long Hits { get; init; }

    /// <summary>Gets the requests that waited for a computation.</summary>
    public long Misses { get; init; }

    /// <summary>Gets the older values served.</summary>
    public long StaleHits { get; init; }

    /// <summary>Gets the background and explicit refreshes.</summary>
    public long Refreshes { get; init; }

    /// <summary>Gets the failed computations.</summary>
    public long Errors { get; init; }

    /// <summary>Gets the computations run.</summary>
    public long Computations { get; init; }

    /// <summary>Gets the mean computation time in milliseconds.</summary>
    public double? MeanComputeMs { get; init; }

    /// <summary>Gets the hit ratio.</summary>
    public double? HitRatio { get; init; }

    /// <summary>Gets the fresh values read from the shared L2 without computing.</summary>
    public long L2Hits { get; init; }

    /// <summary>Gets the stale values served because a computation passed the soft timeout (also in <see cref="StaleHits"/>).</summary>
    public long SoftTimeouts { get; init; }

    /// <summary>Gets the requests answered with a timeout error (503) because a computation passed the hard timeout (also in <see cref="Misses"/>).</summary>
    public long HardTimeouts { get; init; }
}
