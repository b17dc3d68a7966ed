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
}
