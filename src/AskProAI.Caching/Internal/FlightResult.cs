namespace AskProAI.Caching.Internal;

/// <summary>What a computation in flight produces for everyone waiting on it.</summary>
internal sealed class FlightResult(object value, byte[]? payload, long createdTicks, long expiresTicks, bool fromStore, TimeSpan computeTime = default)
{
    /// <summary>
    /// Gets when the value stops being fresh: fixed once, when it is computed, and carried into every copy (L1 and
    /// L2), so a copy read from L2 keeps the remaining lifetime of the entry, never a fresh TTL.
    /// </summary>
    public long ExpiresTicks { get; } = expiresTicks;

    public object Value { get; } = value;

    /// <summary>Gets the value serialized once (computed here, or the L2 payload it was read from); null when the serializer refused it.</summary>
    public byte[]? Payload { get; } = payload;

    public long CreatedTicks { get; } = createdTicks;

    public DateTimeOffset CreatedAt { get; } = new(createdTicks, TimeSpan.Zero);

    public bool FromStore { get; } = fromStore;

    /// <summary>Gets how long the computation took (zero for a value read from L2 or L1).</summary>
    public TimeSpan ComputeTime { get; } = computeTime;
}
