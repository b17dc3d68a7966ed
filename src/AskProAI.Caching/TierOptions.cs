namespace AskProAI.Caching;

/// <summary>Settings of one tier.</summary>
public sealed class TierOptions
{
    /// <summary>Gets or sets how long an entry of the tier is fresh.</summary>
    public TimeSpan Ttl { get; set; }

    /// <summary>Gets or sets whether entries past the refresh threshold are refreshed in the background.</summary>
    public bool BackgroundRefresh { get; set; }

    /// <summary>Gets or sets whether a new bucket may be answered from the previous bucket, marked stale,
    /// while one background computation fills it.</summary>
    public bool ServeStaleOnRollover { get; set; }

    /// <summary>
    /// Gets or sets whether an entry that is read in the last quarter of its bucket has the next bucket computed
    /// ahead, in the background, at a moment staggered per company, so the boundary is a hit and the work is spread.
    /// Only entries that are being read are prefetched. Hour tiers are also filled ahead by the pre-hour warm.
    /// </summary>
    public bool PrefetchNextBucket { get; set; }

    /// <summary>
    /// Gets or sets how long, after a failed computation was answered with a fail-safe value, later requests get
    /// that value (marked stale) without calling the source again; zero calls the source on every request.
    /// </summary>
    /// <value>The defaults are set per tier (see <see cref="WidgetCacheOptions.Live"/> and the other tiers).</value>
    public TimeSpan FailSafeThrottle { get; set; }

    /// <summary>
    /// Gets or sets how long a caller waits for a computation when a stale value may be served instead: past it, the
    /// caller gets the last value (an expired one, within <see cref="WidgetCacheOptions.FailSafeMaxDuration"/>, never an
    /// invalidated one), marked stale, while the computation goes on and stores its value. Counted from the start of the
    /// computation; zero turns it off.
    /// </summary>
    /// <value>The defaults are set per tier (see <see cref="WidgetCacheOptions.Live"/> and the other tiers).</value>
    public TimeSpan SoftTimeout { get; set; }

    /// <summary>
    /// Gets or sets how long a caller waits for a computation at most: past it, the caller gets a
    /// <see cref="WidgetTimeoutException"/> while the computation goes on and stores its value. Counted from the
    /// caller's request; zero turns it off.
    /// </summary>
    /// <value>The defaults are set per tier (see <see cref="WidgetCacheOptions.Live"/> and the other tiers).</value>
    public TimeSpan HardTimeout { get; set; }
}
