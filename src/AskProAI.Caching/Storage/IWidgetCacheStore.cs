namespace AskProAI.Caching;

/// <summary>
/// A shared second-level store (L2), such as Redis, beside the in-process L1. Keys are formatted
/// <see cref="WidgetKey"/>s; tag timestamps are Unix milliseconds. Implementations may throw: the cache
/// treats every failure as a miss and computes directly.
/// </summary>
public interface IWidgetCacheStore
{
    /// <summary>Reads an entry, or null when absent or expired.</summary>
    ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken);

    /// <summary>Writes an entry until its expiry.</summary>
    ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken);

    /// <summary>Reads the invalidation timestamps of tags in one round trip; 0 for a tag never invalidated.</summary>
    ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken);

    /// <summary>Records that a tag was invalidated at the given Unix millisecond (keeping the larger value).</summary>
    ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken);
}

/// <summary>A value in L2 with the times that decide its validity.</summary>
/// <param name="Payload">The serialized value.</param>
/// <param name="CreatedUnixMs">When its computation started: it is invalid if a tag was invalidated at or after this.</param>
/// <param name="ExpiresUnixMs">When it stops being fresh.</param>
public sealed record StoredEntry(ReadOnlyMemory<byte> Payload, long CreatedUnixMs, long ExpiresUnixMs);

/// <summary>Turns widget values into bytes for L2 and size estimates.</summary>
public interface IWidgetCacheSerializer
{
    /// <summary>Serializes a value.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> bytes);
}

/// <summary>The <c>cache</c> queue: bounded, deduplicated by key, processed by a fixed number of workers.</summary>
public interface ICacheWorkQueue
{
    /// <summary>The queue's name, as in the seed.</summary>
    const string Name = "cache";

    /// <summary>Queues work unless work with the same key is queued or running, or the queue is full.</summary>
    /// <returns>Whether the work was queued.</returns>
    bool TryEnqueue(string key, Func<CancellationToken, Task> work);

    /// <summary>Gets the number of items waiting or running.</summary>
    int Depth { get; }

    /// <summary>Returns the queue's counters.</summary>
    QueueStatistics GetStatistics();

    /// <summary>Waits until the queue is empty and every worker is idle (for jobs and tests).</summary>
    Task WhenIdleAsync(CancellationToken cancellationToken = default);
}
