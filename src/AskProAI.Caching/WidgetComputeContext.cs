namespace AskProAI.Caching;

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

    /// <summary>
    /// Gets the value of the same widget and company for the bucket before, when this computation fills a bucket that
    /// has none and that value is still valid (no invalidation since; on a single node every write since was applied to
    /// it, ADR 0015); null otherwise, and always for an explicit refresh or warm (those read the source). A computation
    /// may roll it forward to <see cref="At"/> instead of reading the source when it can prove the result equal to a
    /// recomputation (ADR 0017); it must bound how long such a chain goes without the source.
    /// </summary>
    public object? Previous { get; init; }
}
