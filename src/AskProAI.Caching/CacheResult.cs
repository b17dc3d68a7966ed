namespace AskProAI.Caching;

/// <summary>A widget value and where it came from.</summary>
/// <typeparam name="T">The widget's value type.</typeparam>
public readonly record struct CacheResult<T>(T Value, CacheOutcome Outcome, DateTimeOffset ComputedAt)
{
    /// <summary>Gets whether a <see cref="CacheOutcome.Hit"/> came from the shared L2 (nothing was computed) rather than from memory.</summary>
    public bool FromL2 { get; init; }

    /// <summary>The <c>X-Cache</c> header text of the outcome: HIT, MISS, STALE or BYPASS.</summary>
    public string OutcomeText => Outcome.ToHeader();
}
