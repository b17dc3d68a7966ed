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

    /// <summary>
    /// Reads an entry and the invalidation timestamps of tags together (the stamps in the order of <paramref name="tags"/>;
    /// empty when there is no entry). An implementation over a network sends both reads in one round trip (Redis: one
    /// batch); this default reads the entry, then the stamps only when there is one.
    /// </summary>
    async ValueTask<(StoredEntry? Entry, long[] Stamps)> GetWithTagStampsAsync(
        string key, int companyId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        var entry = await GetAsync(key, companyId, cancellationToken);
        return entry is null ? (null, []) : (entry, await GetTagStampsAsync(tags, cancellationToken));
    }

    /// <summary>Records that a tag was invalidated at the given Unix millisecond (keeping the larger value).</summary>
    ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken);

    /// <summary>
    /// Records that several tags were invalidated at the same Unix millisecond. An implementation over a network sends
    /// them together (Redis: one script per hash slot, in one batch); this default sends them one after another.
    /// </summary>
    async ValueTask SetTagStampsAsync(IReadOnlyList<string> tags, long unixMilliseconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            await SetTagStampAsync(tag, unixMilliseconds, cancellationToken);
        }
    }
}
