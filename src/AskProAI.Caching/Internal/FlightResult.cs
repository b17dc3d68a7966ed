namespace AskProAI.Caching.Internal;

/// <summary>What a computation in flight produces for everyone waiting on it.</summary>
internal sealed class FlightResult(object value, long createdTicks, long expiresTicks, bool fromStore, long storedSize = 0)
{
    /// <summary>
    /// Gets when the value stops being fresh: fixed once, when it is computed, and carried into every copy (L1 and
    /// L2), so a copy read from L2 keeps the remaining lifetime of the entry, never a fresh TTL.
    /// </summary>
    public long ExpiresTicks { get; } = expiresTicks;

    /// <summary>Gets the size estimate of a value read from L2 (its payload), so it is not serialized again.</summary>
    public long StoredSize { get; } = storedSize;

    public object Value { get; } = value;

    public long CreatedTicks { get; } = createdTicks;

    public DateTimeOffset CreatedAt { get; } = new(createdTicks, TimeSpan.Zero);

    public bool FromStore { get; } = fromStore;
}
