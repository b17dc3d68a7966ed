namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>The body of <c>POST /api/admin/cache/clear</c>.</summary>
/// <param name="Widget">One widget, or all.</param>
/// <param name="Company">One company, or all.</param>
internal sealed record ClearRequest(string? Widget, int? Company);

/// <summary>The body of <c>POST /api/admin/cache/warm</c>: exactly one of <paramref name="Company"/> and <paramref name="All"/>.</summary>
/// <param name="Company">Warm one company.</param>
/// <param name="All">Warm every company.</param>
/// <param name="Widget">With a company: refresh only this widget (a refresh job).</param>
internal sealed record WarmRequest(int? Company, bool? All, string? Widget);

/// <summary>The body of <c>POST /api/admin/cache/invalidate</c>.</summary>
/// <param name="Tag">A tag (<c>live_data</c>, <c>widget:recent_calls</c>, ...), narrowed to <paramref name="Company"/> when given.</param>
/// <param name="Company">One company.</param>
internal sealed record InvalidateRequest(string? Tag, int? Company);

/// <summary>The body of <c>POST /api/admin/cache/mode</c>.</summary>
/// <param name="Mode"><c>Optimized</c>, <c>Legacy</c> or <c>Disabled</c>.</param>
/// <param name="Percent">With Optimized, the share of companies that get it (the rest Legacy); 100 by default.</param>
/// <param name="Widget">One widget, or all.</param>
internal sealed record ModeRequest(string? Mode, int? Percent, string? Widget);

/// <summary>What a clear or an invalidation did.</summary>
/// <param name="Action"><c>clear</c> or <c>invalidate</c>.</param>
/// <param name="Tags">The tags invalidated.</param>
/// <param name="Scope">A human description.</param>
/// <param name="Companies">The number of companies affected.</param>
/// <param name="Widgets">The number of widgets affected per company.</param>
internal sealed record InvalidationResponse(string Action, IReadOnlyList<string> Tags, string Scope, int Companies, int Widgets);

/// <summary>The answer to a queued job.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Kind"><c>warm</c> or <c>refresh</c>.</param>
/// <param name="Companies">The number of companies.</param>
/// <param name="Widgets">The number of widgets per company.</param>
/// <param name="StatusUrl">Where to poll the job.</param>
internal sealed record JobAccepted(string JobId, string Kind, int Companies, int Widgets, string StatusUrl);

/// <summary>A job's progress.</summary>
/// <param name="JobId">The job id.</param>
/// <param name="Kind"><c>refresh</c>, <c>warm</c> or <c>prehour</c>.</param>
/// <param name="State"><c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</param>
/// <param name="Scope">What is computed.</param>
/// <param name="Total">Computations in the job.</param>
/// <param name="Completed">Computations done.</param>
/// <param name="Failed">Computations failed.</param>
/// <param name="CreatedAt">When the job was created.</param>
/// <param name="StartedAt">When it started running.</param>
/// <param name="FinishedAt">When it finished.</param>
internal sealed record JobStatus(
    string JobId,
    string Kind,
    string State,
    string Scope,
    int Total,
    int Completed,
    int Failed,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>The status of a job.</summary>
    public static JobStatus Of(CacheJob job) => new(
        job.Id, job.Kind, job.State.ToString().ToLowerInvariant(), job.Scope, job.Total, job.Completed, job.Failed, job.CreatedAt, job.StartedAt, job.FinishedAt);
}

/// <summary>The answer of <c>POST /api/admin/cache/mode</c>.</summary>
/// <param name="Mode">The mode set.</param>
/// <param name="Percent">The share of companies on Optimized.</param>
/// <param name="Widgets">The widgets changed.</param>
internal sealed record ModeResponse(string Mode, int Percent, IReadOnlyList<string> Widgets);

/// <summary>The answer of <c>GET /api/admin/cache/stats</c>.</summary>
internal sealed record StatsResponse(
    double HitRatio,
    long Entries,
    long EstimatedBytes,
    long Evictions,
    long Fallbacks,
    long Invalidations,
    QueueStats Queue,
    IReadOnlyList<WidgetStats> Widgets,
    IReadOnlyList<TierStats> Tiers,
    IReadOnlyList<SlowStats> Slowest,
    DatabaseStats Database,
    MemoryStats Memory,
    ScheduleStats Schedule,
    IReadOnlyList<JobStatus> Jobs);

/// <summary>The <c>cache</c> queue.</summary>
internal sealed record QueueStats(int Depth, int Capacity, int Workers, long Enqueued, long Completed, long Failed, long Rejected);

/// <summary>
/// Counters of one widget; <paramref name="Hits"/> are served from memory, <paramref name="L2Hits"/> read from the shared
/// L2 without computing; <paramref name="CachedMeanMs"/> is the mean latency of hits measured at the endpoint.
/// </summary>
internal sealed record WidgetStats(
    string Widget,
    string Tier,
    string Mode,
    int OptimizedPercent,
    long Hits,
    long Misses,
    long StaleHits,
    long Refreshes,
    long Errors,
    long Computations,
    double MeanComputeMs,
    double HitRatio,
    double CachedMeanMs,
    long CachedSamples,
    long L2Hits);

/// <summary>Counters of one tier.</summary>
internal sealed record TierStats(
    string Tier, long Hits, long Misses, long StaleHits, long Refreshes, long Errors, long Computations, double MeanComputeMs, double HitRatio, long L2Hits);

/// <summary>One slow computation.</summary>
internal sealed record SlowStats(string Widget, int CompanyId, double DurationMs, DateTimeOffset At);

/// <summary>Database commands since start.</summary>
internal sealed record DatabaseStats(long Queries, long SlowQueries, long WidgetQueries = 0, double WidgetQueryMs = 0);

/// <summary>The process memory.</summary>
internal sealed record MemoryStats(long WorkingSetBytes, long GcHeapBytes);

/// <summary>When the scheduled warms run next.</summary>
internal sealed record ScheduleStats(string Cron, string TimeZone, DateTimeOffset? NextWarm, DateTimeOffset? NextPreHour);

/// <summary>The answer of <c>GET /api/admin/cache/history</c>.</summary>
internal sealed record HistoryResponse(double IntervalSeconds, IReadOnlyList<CacheSample> Samples, CacheSample Current);
