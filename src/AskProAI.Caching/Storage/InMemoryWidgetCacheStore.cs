using System.Collections.Concurrent;

namespace AskProAI.Caching;

/// <summary>
/// An in-memory <see cref="IWidgetCacheStore"/>, for tests and for the L2 contract suite. Not shared between
/// processes; the real shared store is Redis.
/// </summary>
public sealed class InMemoryWidgetCacheStore(TimeProvider? time = null) : IWidgetCacheStore
{
    private readonly ConcurrentDictionary<string, StoredEntry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _stamps = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Gets the number of entries held, expired ones included.</summary>
    public int Count => _entries.Count;

    /// <inheritdoc />
    public ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(_entries.TryGetValue(key, out var entry) && entry.ExpiresUnixMs > _time.GetUtcNow().ToUnixTimeMilliseconds() ? entry : null);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _entries[key] = entry;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var stamps = new long[tags.Count];
        for (var i = 0; i < stamps.Length; i++)
        {
            stamps[i] = _stamps.TryGetValue(tags[i], out var s) ? s : 0;
        }

        return new(stamps);
    }

    /// <inheritdoc />
    public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _stamps.AddOrUpdate(tag, unixMilliseconds, (_, old) => Math.Max(old, unixMilliseconds));
        return ValueTask.CompletedTask;
    }
}
