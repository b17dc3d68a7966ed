namespace AskProAI.Contracts;

/// <summary>The answer of <c>GET /api/admin/cache/stats</c>.</summary>
public sealed record StatsResponse
{
    /// <summary>Gets the hit ratio over all widgets: (L1 hits + L2 hits + stale hits) / requests.</summary>
    public double? HitRatio { get; init; }

    /// <summary>Gets the number of entries in L1.</summary>
    public long Entries { get; init; }

    /// <summary>Gets the estimated bytes of the values in L1.</summary>
    public long EstimatedBytes { get; init; }

    /// <summary>Gets the number of companies whose cache state is kept (those with an entry, a computation or day segments).</summary>
    public long Companies { get; init; }

    /// <summary>Gets how many entries were evicted to respect the size limits.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets how many times the cache layer failed and the value was computed directly.</summary>
    public long Fallbacks { get; init; }

    /// <summary>
    /// Gets how many invalidations were made: tags invalidated, and writes that had to drop a cached value (or a
    /// computation in flight) instead of applying their change.
    /// </summary>
    public long Invalidations { get; init; }

    /// <summary>
    /// Gets how many writes were applied to a widget's cached values instead of invalidating them (single node): one per
    /// write and widget, not counted in <see cref="Invalidations"/>. 0 from a service older than this field.
    /// </summary>
    public long AppliedChanges { get; init; }

    /// <summary>Gets the <c>cache</c> queue.</summary>
    public QueueStats? Queue { get; init; }

    /// <summary>Gets the counters per widget.</summary>
    public IReadOnlyList<WidgetStats> Widgets { get; init; } = [];

    /// <summary>Gets the counters per tier.</summary>
    public IReadOnlyList<TierStats> Tiers { get; init; } = [];

    /// <summary>Gets the slowest recent computations.</summary>
    public IReadOnlyList<SlowStats> Slowest { get; init; } = [];

    /// <summary>Gets the database commands since start.</summary>
    public DatabaseStats? Database { get; init; }

    /// <summary>Gets the service process's memory.</summary>
    public MemoryStats? Memory { get; init; }

    /// <summary>Gets when the scheduled warms run next.</summary>
    public ScheduleStats? Schedule { get; init; }

    /// <summary>Gets the recent jobs, newest first.</summary>
    public IReadOnlyList<JobStatus> Jobs { get; init; } = [];
}
