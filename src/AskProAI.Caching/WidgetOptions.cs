namespace AskProAI.Caching;

/// <summary>Settings of one widget; unset values come from its tier.</summary>
public sealed class WidgetOptions
{
    /// <summary>Gets or sets the widget's tier.</summary>
    public WidgetTier Tier { get; set; }

    /// <summary>Gets or sets the widget's TTL, or null for the tier's.</summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>Gets or sets whether the widget refreshes in the background, or null for the tier's setting.</summary>
    public bool? BackgroundRefresh { get; set; }

    /// <summary>Gets or sets whether the widget serves the previous bucket on rollover, or null for the tier's setting.</summary>
    public bool? ServeStaleOnRollover { get; set; }

    /// <summary>Gets or sets whether the widget computes its next bucket ahead, or null for the tier's setting.</summary>
    public bool? PrefetchNextBucket { get; set; }

    /// <summary>Gets or sets the widget's fail-safe throttle, or null for the tier's.</summary>
    public TimeSpan? FailSafeThrottle { get; set; }

    /// <summary>Gets or sets the widget's soft timeout, or null for the tier's (zero turns it off).</summary>
    public TimeSpan? SoftTimeout { get; set; }

    /// <summary>Gets or sets the widget's hard timeout, or null for the tier's (zero turns it off).</summary>
    public TimeSpan? HardTimeout { get; set; }

    /// <summary>Gets or sets the widget's cache mode, or null for the global mode.</summary>
    public CacheMode? Mode { get; set; }

    /// <summary>Gets or sets the widget's percentage of companies on Optimized, or null for the global one.</summary>
    public int? OptimizedPercent { get; set; }
}
