namespace AskProAI.Caching.Internal;

/// <summary>How a request that waited for a computation was answered, for the counters.</summary>
internal enum WaitEnd
{
    /// <summary>With the computed value, or not at all (an error, a timeout, a cancellation).</summary>
    Miss,

    /// <summary>With a value another instance computed, read from L2.</summary>
    L2Hit,

    /// <summary>With a stale value (fail-safe, soft timeout), counted where it was served.</summary>
    Stale,
}
