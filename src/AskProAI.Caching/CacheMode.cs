namespace AskProAI.Caching;

/// <summary>How a widget is cached: the rollout modes of the seed's gradual rollout.</summary>
public enum CacheMode
{
    /// <summary>This engine: time-bucketed keys, TTL tiers, tags, single-flight, background refresh.</summary>
    Optimized = 0,

    /// <summary>
    /// The design the seed replaced: a static key <c>widget:{name}:{company_id}</c>, a fixed TTL (900 s),
    /// no tags, no invalidation, no background refresh and no stampede protection.
    /// </summary>
    Legacy = 1,

    /// <summary>No cache: every request computes.</summary>
    Disabled = 2,
}
