namespace AskProAI.Caching;

/// <summary>Where a widget value came from.</summary>
public enum CacheOutcome
{
    /// <summary>A fresh value from the cache: from memory (L1), or from the shared L2 (see <see cref="CacheResult{T}.FromL2"/>).</summary>
    Hit = 0,

    /// <summary>Computed for this request (or joined a computation in flight).</summary>
    Miss = 1,

    /// <summary>An older value: the previous bucket at rollover, or a fail-safe value after a failed computation.</summary>
    Stale = 2,

    /// <summary>The cache layer failed or is disabled, and the value was computed directly.</summary>
    Bypass = 3,
}
