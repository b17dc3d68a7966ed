namespace AskProAI.Contracts;

/// <summary>One sample of the engine statistics, for the charts of the analytics page.</summary>
public sealed record CacheSample
{
    /// <summary>Gets when it was taken.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Gets the hits (fresh and stale) over requests since the previous sample; null without requests.</summary>
    public double? HitRatio { get; init; }

    /// <summary>Gets the hits over requests since start.</summary>
    public double CumulativeHitRatio { get; init; }

    /// <summary>Gets the requests since start.</summary>
    public long Requests { get; init; }

    /// <summary>Gets the entries in L1.</summary>
    public long Entries { get; init; }

    /// <summary>Gets the estimated bytes of L1.</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Gets the items waiting or running on the <c>cache</c> queue.</summary>
    public int QueueDepth { get; init; }

    /// <summary>Gets the process working set.</summary>
    public long WorkingSetBytes { get; init; }

    /// <summary>Gets the managed heap size.</summary>
    public long GcHeapBytes { get; init; }

    /// <summary>Gets the database commands since start.</summary>
    public long DatabaseQueries { get; init; }
}
