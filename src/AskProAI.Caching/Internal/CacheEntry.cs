using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>
/// A cached value with the facts that decide whether it may be served, and its serialized form: the one byte
/// representation of the value, which is its size, its L2 payload and (UTF-8 JSON) the response body.
/// </summary>
internal sealed class CacheEntry(
    object value,
    byte[]? payload,
    long version,
    long createdTicks,
    long expiresTicks,
    long refreshTicks,
    long prefetchTicks,
    WidgetHandle widget,
    CompanyState company,
    long size,
    long endClock = long.MaxValue)
{
    private int _refreshScheduled;
    private int _prefetchScheduled;
    private long _checkedAt = -1;

    /// <summary>Gets or sets the logical clock value at which the entry was last found valid.</summary>
    public long CheckedAt
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _checkedAt);
        set => Volatile.Write(ref _checkedAt, value);
    }

    /// <summary>The estimated bytes of an entry besides its value: the entry, its dictionary node and the payload array's header.</summary>
    public const long Overhead = 224;

    public object Value { get; } = value;

    /// <summary>The value serialized once, when it was computed (or as read from L2); null when the serializer refused it.</summary>
    public byte[]? Payload { get; } = payload;

    /// <summary>The logical clock when its computation started: invalid once any of its tags moved past it.</summary>
    public long Version { get; } = version;

    public long CreatedTicks { get; } = createdTicks;

    public DateTimeOffset CreatedAt { get; } = new(createdTicks, TimeSpan.Zero);

    public long ExpiresTicks { get; } = expiresTicks;

    /// <summary>When a background-refreshed entry is refreshed (long.MaxValue for widgets without background refresh).</summary>
    public long RefreshTicks { get; } = refreshTicks;

    /// <summary>When a read starts computing the next bucket ahead (long.MaxValue when the widget does not prefetch).</summary>
    public long PrefetchTicks { get; } = prefetchTicks;

    /// <summary>The earlier of <see cref="RefreshTicks"/> and <see cref="PrefetchTicks"/>: the hit path compares only this.</summary>
    public long AttentionTicks { get; } = Math.Min(refreshTicks, prefetchTicks);

    public WidgetHandle Widget { get; } = widget;

    public CompanyState Company { get; } = company;

    public long Size { get; } = size;

    /// <summary>The clock read when the value's computation ended: a write that began later cannot be in it.</summary>
    public long EndClock { get; } = endClock;

    /// <summary>A copy holding a write's change applied to the value, valid from <paramref name="version"/> on.</summary>
    public CacheEntry WithValue(object updated, byte[]? payload, long size, long version) =>
        new(updated, payload, version, CreatedTicks, ExpiresTicks, RefreshTicks, PrefetchTicks, Widget, Company, size, EndClock);

    /// <summary>Claims the one background refresh this entry may trigger.</summary>
    public bool TryClaimRefresh() => Interlocked.Exchange(ref _refreshScheduled, 1) == 0;

    public void ReleaseRefresh() => Volatile.Write(ref _refreshScheduled, 0);

    /// <summary>Claims the one next-bucket prefetch this entry may trigger.</summary>
    public bool TryClaimPrefetch() => Interlocked.Exchange(ref _prefetchScheduled, 1) == 0;

    public void ReleasePrefetch() => Volatile.Write(ref _prefetchScheduled, 0);
}
