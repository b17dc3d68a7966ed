using System.Text.Json.Serialization;

namespace AskProAI.Cli.Api;

/// <summary>The body of <c>POST /api/admin/cache/clear</c>.</summary>
internal sealed record ClearRequest(string? Widget, int? Company);

/// <summary>The body of <c>POST /api/admin/cache/warm</c>.</summary>
internal sealed record WarmRequest(int? Company, bool? All);

/// <summary>The body of <c>POST /api/admin/cache/invalidate</c>.</summary>
internal sealed record InvalidateRequest(string? Tag, int? Company);

/// <summary>The body of <c>POST /api/admin/cache/mode</c>.</summary>
internal sealed record ModeRequest(string Mode, int? Percent, string? Widget);

/// <summary>The answer to clear and invalidate: what was removed.</summary>
internal sealed class CacheActionResponse
{
    public string? Action { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? Scope { get; init; }

    public int Companies { get; init; }

    public int Widgets { get; init; }
}

/// <summary>The answer to warm: the job that was queued.</summary>
internal sealed class WarmStartedResponse
{
    public string JobId { get; init; } = string.Empty;

    public int Companies { get; init; }

    public int Widgets { get; init; }

    public string? StatusUrl { get; init; }
}

/// <summary>The state of a background job (<c>GET /api/admin/cache/jobs/{jobId}</c>).</summary>
internal sealed class JobStatusResponse
{
    public string JobId { get; init; } = string.Empty;

    public string? Kind { get; init; }

    public string State { get; init; } = string.Empty;

    public int Total { get; init; }

    public int Completed { get; init; }

    public int Failed { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    [JsonIgnore]
    public bool IsFinished => State is "completed" or "failed";
}

/// <summary>The answer to mode.</summary>
internal sealed class ModeResponse
{
    public string? Mode { get; init; }

    public int? Percent { get; init; }

    public IReadOnlyList<string>? Widgets { get; init; }
}

/// <summary>The answer to <c>GET /api/admin/cache/stats</c>.</summary>
internal sealed class StatsResponse
{
    public double? HitRatio { get; init; }

    public long Entries { get; init; }

    public long EstimatedBytes { get; init; }

    public long Evictions { get; init; }

    public long Fallbacks { get; init; }

    public long Invalidations { get; init; }

    public QueueStats? Queue { get; init; }

    public IReadOnlyList<WidgetStats> Widgets { get; init; } = [];

    public IReadOnlyList<TierStats> Tiers { get; init; } = [];

    public IReadOnlyList<SlowComputation> Slowest { get; init; } = [];

    public DatabaseStats? Database { get; init; }

    public MemoryStats? Memory { get; init; }

    public ScheduleStats? Schedule { get; init; }
}

/// <summary>When the scheduled warms run next.</summary>
internal sealed class ScheduleStats
{
    public string? Cron { get; init; }

    public string? TimeZone { get; init; }

    public DateTimeOffset? NextWarm { get; init; }

    public DateTimeOffset? NextPreHour { get; init; }
}

/// <summary>The background refresh queue.</summary>
internal sealed class QueueStats
{
    public long Depth { get; init; }

    public long Capacity { get; init; }

    public int Workers { get; init; }

    public long Enqueued { get; init; }

    public long Completed { get; init; }

    public long Failed { get; init; }

    public long Rejected { get; init; }
}

/// <summary>Counters shared by a widget row and a tier row.</summary>
internal class CacheCounters
{
    public long Hits { get; init; }

    public long L2Hits { get; init; }

    public long Misses { get; init; }

    public long StaleHits { get; init; }

    public long Refreshes { get; init; }

    public long Errors { get; init; }

    public long Computations { get; init; }

    public double? MeanComputeMs { get; init; }

    public double? HitRatio { get; init; }
}

/// <summary>One widget's counters.</summary>
internal sealed class WidgetStats : CacheCounters
{
    public string Widget { get; init; } = string.Empty;

    public string? Tier { get; init; }

    public string? Mode { get; init; }

    /// <summary>Gets the share of companies on Optimized when the mode is a partial rollout.</summary>
    public int? OptimizedPercent { get; init; }

    /// <summary>Gets the mean latency of cache hits measured at the endpoint.</summary>
    public double? CachedMeanMs { get; init; }

    public long CachedSamples { get; init; }
}

/// <summary>One TTL tier's counters.</summary>
internal sealed class TierStats : CacheCounters
{
    public string Tier { get; init; } = string.Empty;
}

/// <summary>One of the slowest recent computations.</summary>
internal sealed class SlowComputation
{
    public string Widget { get; init; } = string.Empty;

    public int CompanyId { get; init; }

    public double DurationMs { get; init; }

    public DateTimeOffset? At { get; init; }
}

/// <summary>Database query counters.</summary>
internal sealed class DatabaseStats
{
    public long Queries { get; init; }

    public long SlowQueries { get; init; }
}

/// <summary>The service process's memory.</summary>
internal sealed class MemoryStats
{
    public long WorkingSetBytes { get; init; }

    public long GcHeapBytes { get; init; }
}
