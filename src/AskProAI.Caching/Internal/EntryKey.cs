using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>The L1 dictionary key: a value type, so that looking it up allocates nothing.</summary>
internal readonly struct EntryKey(int widget, int companyId, int bucket) : IEquatable<EntryKey>
{
    public int Widget { get; } = widget;

    public int CompanyId { get; } = companyId;

    public int Bucket { get; } = bucket;

    public EntryKey Previous => new(Widget, CompanyId, Bucket - 1);

    public EntryKey Next => new(Widget, CompanyId, Bucket + 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Equals(EntryKey other) => Bucket == other.Bucket && CompanyId == other.CompanyId && Widget == other.Widget;

    public override bool Equals(object? obj) => obj is EntryKey k && Equals(k);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override int GetHashCode() => unchecked((((CompanyId * 397) ^ Bucket) * 31) ^ (Widget << 24));
}

/// <summary>One invalidation timestamp (a value of the cache's logical clock), only ever moved forward.</summary>
internal sealed class StampCell
{
    private long _value;

    public long Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _value);
    }

    public void MoveTo(long stamp)
    {
        var current = Volatile.Read(ref _value);
        while (stamp > current)
        {
            var seen = Interlocked.CompareExchange(ref _value, stamp, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>The stamps of one company: the company tag, its data types, and each of its widgets.</summary>
internal sealed class CompanyState
{
    public StampCell Company { get; } = new();

    public StampCell[] Tiers { get; } = [new(), new(), new()];

    public System.Collections.Concurrent.ConcurrentDictionary<int, StampCell> Widgets { get; } = new();
}

/// <summary>Per-widget counters, updated with interlocked increments on the request path.</summary>
internal sealed class WidgetCounters
{
    private long _hits;
    private long _l2Hits;
    private long _waiting;
    private long _misses;
    private long _staleHits;
    private long _refreshes;
    private long _errors;
    private long _computations;
    private long _computeTicks;

    public long Hits => Volatile.Read(ref _hits);

    public long L2Hits => Volatile.Read(ref _l2Hits);

    public long Misses => Volatile.Read(ref _misses);

    public long StaleHits => Volatile.Read(ref _staleHits);

    public long Refreshes => Volatile.Read(ref _refreshes);

    public long Errors => Volatile.Read(ref _errors);

    public long Computations => Volatile.Read(ref _computations);

    public TimeSpan ComputeTime => TimeSpan.FromTicks(Volatile.Read(ref _computeTicks));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Hit() => Interlocked.Increment(ref _hits);

    public void Miss() => Interlocked.Increment(ref _misses);

    /// <summary>Gets the number of requests waiting for a computation now (not yet counted as miss or L2 hit).</summary>
    public long Waiting => Volatile.Read(ref _waiting);

    public void StartWaiting() => Interlocked.Increment(ref _waiting);

    /// <summary>Counts a request that waited: an L2 hit when the shared value came from L2, a miss otherwise.</summary>
    public void StopWaiting(bool fromL2)
    {
        Interlocked.Increment(ref fromL2 ? ref _l2Hits : ref _misses);
        Interlocked.Decrement(ref _waiting);
    }

    public void StaleHit() => Interlocked.Increment(ref _staleHits);

    public void Refreshed() => Interlocked.Increment(ref _refreshes);

    public void Error() => Interlocked.Increment(ref _errors);

    public void Computed(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _computations);
        Interlocked.Add(ref _computeTicks, elapsed.Ticks);
    }
}

/// <summary>A cached value with the facts that decide whether it may be served.</summary>
internal sealed class CacheEntry(
    object value,
    long version,
    long createdTicks,
    long expiresTicks,
    long refreshTicks,
    long prefetchTicks,
    WidgetHandle widget,
    CompanyState company,
    StampCell companyWidget,
    long size)
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

    public object Value { get; } = value;

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

    public StampCell CompanyWidget { get; } = companyWidget;

    public long Size { get; } = size;

    /// <summary>Claims the one background refresh this entry may trigger.</summary>
    public bool TryClaimRefresh() => Interlocked.Exchange(ref _refreshScheduled, 1) == 0;

    public void ReleaseRefresh() => Volatile.Write(ref _refreshScheduled, 0);

    /// <summary>Claims the one next-bucket prefetch this entry may trigger.</summary>
    public bool TryClaimPrefetch() => Interlocked.Exchange(ref _prefetchScheduled, 1) == 0;

    public void ReleasePrefetch() => Volatile.Write(ref _prefetchScheduled, 0);
}

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
