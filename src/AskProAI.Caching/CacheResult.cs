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

/// <summary>A widget value and where it came from.</summary>
/// <typeparam name="T">The widget's value type.</typeparam>
public readonly record struct CacheResult<T>(T Value, CacheOutcome Outcome, DateTimeOffset ComputedAt)
{
    /// <summary>Gets whether a <see cref="CacheOutcome.Hit"/> came from the shared L2 (nothing was computed) rather than from memory.</summary>
    public bool FromL2 { get; init; }

    /// <summary>The <c>X-Cache</c> header text of the outcome: HIT, MISS, STALE or BYPASS.</summary>
    public string OutcomeText => Outcome.ToHeader();
}

/// <summary>Helpers for <see cref="CacheOutcome"/>.</summary>
public static class CacheOutcomeExtensions
{
    /// <summary>HIT, MISS, STALE or BYPASS.</summary>
    public static string ToHeader(this CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "HIT",
        CacheOutcome.Miss => "MISS",
        CacheOutcome.Stale => "STALE",
        _ => "BYPASS",
    };
}

/// <summary>What the computation of a widget value is given.</summary>
/// <param name="Widget">The widget name.</param>
/// <param name="CompanyId">The company (tenant) the value is for.</param>
/// <param name="Tier">The widget's tier.</param>
/// <param name="Background">Whether the computation is a background refresh or warm (no request waits on it).</param>
public readonly record struct WidgetComputeContext(string Widget, int CompanyId, WidgetTier Tier, bool Background)
{
    /// <summary>
    /// Gets the instant the value stands for: now, or the start of its bucket when it is computed ahead of it (the
    /// pre-hour warm, the next-bucket prefetch), so that "today" and "the last hour" are those of the bucket the value
    /// is served in. A computation reads this rather than the clock.
    /// </summary>
    public DateTimeOffset At { get; init; }
}

/// <summary>What an invalidation or clear did.</summary>
/// <param name="Tags">The tags whose timestamps moved.</param>
/// <param name="Scope">A human description of what became invalid.</param>
public sealed record InvalidationResult(IReadOnlyList<string> Tags, string Scope);
