using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

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
    private long _changesApplied;
    private long _softTimeouts;
    private long _hardTimeouts;

    public long ChangesApplied => Volatile.Read(ref _changesApplied);

    public void ChangeApplied() => Interlocked.Increment(ref _changesApplied);

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

    /// <summary>
    /// Counts a request that waited: an L2 hit when the shared value came from L2, a miss otherwise (a hard timeout
    /// included); a stale value served instead was counted where it was served.
    /// </summary>
    public void StopWaiting(WaitEnd end)
    {
        if (end != WaitEnd.Stale)
        {
            Interlocked.Increment(ref end == WaitEnd.L2Hit ? ref _l2Hits : ref _misses);
        }

        Interlocked.Decrement(ref _waiting);
    }

    /// <summary>Gets the stale values served because a computation passed the soft timeout (also counted in <see cref="StaleHits"/>).</summary>
    public long SoftTimeouts => Volatile.Read(ref _softTimeouts);

    /// <summary>Gets the requests answered with a timeout error because a computation passed the hard timeout (also counted in <see cref="Misses"/>).</summary>
    public long HardTimeouts => Volatile.Read(ref _hardTimeouts);

    public void SoftTimedOut() => Interlocked.Increment(ref _softTimeouts);

    public void HardTimedOut() => Interlocked.Increment(ref _hardTimeouts);

    public void StaleHit() => Interlocked.Increment(ref _staleHits);

    public void Refreshed() => Interlocked.Increment(ref _refreshes);

    public void Error() => Interlocked.Increment(ref _errors);

    public void Computed(TimeSpan elapsed)
    {
        Interlocked.Increment(ref _computations);
        Interlocked.Add(ref _computeTicks, elapsed.Ticks);
    }
}
