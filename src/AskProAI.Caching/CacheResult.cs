namespace AskProAI.Caching;

/// <summary>A widget value and where it came from.</summary>
/// <typeparam name="T">The widget's value type.</typeparam>
public readonly record struct CacheResult<T>(T Value, CacheOutcome Outcome, DateTimeOffset ComputedAt)
{
    /// <summary>Gets whether a <see cref="CacheOutcome.Hit"/> came from the shared L2 (nothing was computed) rather than from memory.</summary>
    public bool FromL2 { get; init; }

    /// <summary>
    /// Gets the value's UTF-8 JSON as the cache keeps it (the same bytes as its L2 payload, serialized once when the
    /// value was computed), so a response can be written without serializing again; null when the cache's serializer
    /// does not write JSON (the default one does) or refused the value, and in the Disabled mode. Do not modify it.
    /// </summary>
    public byte[]? Utf8Json { get; init; }

    /// <summary>Gets how long the computation took when this call started it (a <see cref="CacheOutcome.Miss"/>); null otherwise.</summary>
    public TimeSpan? ComputeTime { get; init; }

    /// <summary>The <c>X-Cache</c> header text of the outcome: HIT, MISS, STALE or BYPASS.</summary>
    public string OutcomeText => Outcome.ToHeader();
}
