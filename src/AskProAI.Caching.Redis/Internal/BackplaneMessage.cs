namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// What a backplane message says: an invalidation (with its sequence when it asks to be acknowledged), a heartbeat (with
/// the sender's lease when it holds one, ADR 0024) or a goodbye.
/// </summary>
internal readonly record struct BackplaneMessage(string Sender, long Sequence, CacheTag[] Tags, BackplaneMessageKind Kind, TimeSpan Lease = default)
{
    /// <summary>Gets a value indicating whether the message is a later release's invalidation, applied as "everything" (rolling upgrades).</summary>
    public bool FromLaterRelease { get; init; }
}

/// <summary>The kinds of backplane message.</summary>
internal enum BackplaneMessageKind
{
    /// <summary>Tags invalidated by the sender.</summary>
    Invalidation,

    /// <summary>The sender is alive: the others wait for its acknowledgements.</summary>
    Heartbeat,

    /// <summary>The sender stops: the others no longer wait for it.</summary>
    Goodbye,
}
