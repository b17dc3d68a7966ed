using System.Globalization;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>
/// Distributed mode: invalidations go to L2 (tag stamps) and to the other instances (backplane); what the
/// backplane hears invalidates L1 here. Invalidations that could not reach L2 or the backplane are kept and
/// sent again when the connection is back, so no instance serves data older than an invalidation made while
/// the shared store was away. A distributed lock makes a cold key computed about once across instances.
/// </summary>
internal sealed partial class WidgetCache
{
    private readonly ConcurrentQueue<(CacheTag Tag, long UnixMs)> _undelivered = new();
    private long _remoteInvalidations;
    private long _missedMessageResets;
    private int _redelivering;

    /// <summary>
    /// Until when (coarse clock ticks) L1 may be served: the backplane's lease (ADR 0024), long.MaxValue while no backplane
    /// grants one. Read on the hit path (one compare), written once per heartbeat.
    /// </summary>
    private long _leaseUntil = long.MaxValue;
    private long _leaseRefusals;

    public ValueTask<InvalidationResult> InvalidateAsync(CacheTag tag, CancellationToken cancellationToken = default)
    {
        var scope = InvalidateLocal(tag);
        var result = new InvalidationResult([tag.ToString()], scope);
        return _store is null && _backplane is null
            ? new ValueTask<InvalidationResult>(result)
            : DistributeAsync([tag], _time.GetUtcNow().ToUnixTimeMilliseconds(), result, beforeAnnouncing: null, cancellationToken);
    }

    public ValueTask<InvalidationResult> InvalidateAsync(IReadOnlyList<CacheTag> tags, CancellationToken cancellationToken = default) =>
        InvalidateAsync(tags, beforeAnnouncing: null, cancellationToken);

    public ValueTask<InvalidationResult> InvalidateAsync(
        IReadOnlyList<CacheTag> tags, Func<CancellationToken, ValueTask>? beforeAnnouncing, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (beforeAnnouncing is null && tags.Count == 1)
        {
            return InvalidateAsync(tags[0], cancellationToken);
        }

        CacheTag[] all = [.. tags];
        var scopes = new string[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            scopes[i] = InvalidateLocal(all[i]);
        }

        var result = new InvalidationResult([.. all.Select(t => t.ToString())], string.Join("; ", scopes.Distinct()));
        if (all.Length == 0 || (_store is null && _backplane is null))
        {
            return beforeAnnouncing is null ? new ValueTask<InvalidationResult>(result) : RunThenAsync(beforeAnnouncing, result, cancellationToken);
        }

        return DistributeAsync(all, _time.GetUtcNow().ToUnixTimeMilliseconds(), result, beforeAnnouncing, cancellationToken);
    }

    private async ValueTask<InvalidationResult> RunThenAsync(Func<CancellationToken, ValueTask> work, InvalidationResult result, CancellationToken cancellationToken)
    {
        await RunBeforeAnnouncingAsync(work, cancellationToken);
        return result;
    }

    /// <summary>The caller's work between the stamps and the message; its failure is the caller's, logged, never the invalidation's.</summary>
    private async ValueTask RunBeforeAnnouncingAsync(Func<CancellationToken, ValueTask> work, CancellationToken cancellationToken)
    {
        try
        {
            await work(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Log.BeforeAnnouncingFailed(_logger, exception);
        }
    }

    public bool CanApplyChanges(WidgetHandle widget, int companyId)
    {
        if (companyId <= 0 || !ReferenceEquals(widget?.Owner, this))
        {
            ThrowBadArguments(widget!, companyId);
        }

        return !IsDistributed && widget.ModeFor(companyId) == CacheMode.Optimized;
    }

    private async ValueTask<InvalidationResult> DistributeAsync(
        CacheTag[] tags, long unixMs, InvalidationResult result, Func<CancellationToken, ValueTask>? beforeAnnouncing, CancellationToken cancellationToken)
    {
        if (!await TryDistributeAsync(tags, unixMs, beforeAnnouncing, cancellationToken))
        {
            foreach (var tag in tags)
            {
                _undelivered.Enqueue((tag, unixMs));
            }

            StartRedeliveryLoop();
        }

        return result;
    }

    /// <summary>
    /// The tags' stamps to L2 (first: an instance that hears the message reads them there), then one message,
    /// acknowledged. False when either failed: the invalidation is then sent again later, stamps and message.
    /// </summary>
    private async ValueTask<bool> TryDistributeAsync(CacheTag[] tags, long unixMs, Func<CancellationToken, ValueTask>? beforeAnnouncing, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        if (_store is not null)
        {
            try
            {
                await _store.SetTagStampsAsync([.. tags.Select(t => t.ToString())], unixMs, cancellationToken);
            }
            catch (Exception ex)
            {
                // The message still goes out (the backplane may be on another, healthy node): the other instances drop
                // their copies now instead of serving them until the stamps can be written (a master failing over, ADR
                // 0027). Their next read then finds L2 unreachable and computes, or finds the old copy where the stamps
                // timed out on a live node: no staler than the copy they dropped.
                failure = ex;
            }
        }

        try
        {
            if (beforeAnnouncing is not null && failure is null)
            {
                // A value computed now reads the database after the write and stores with the new stamps: the other
                // instances' reads after the message find it in L2 (ADR 0026). L2 trusts a value only when its computation
                // started in a later millisecond than the newest stamp (a tie counts as invalidated), and the stamps'
                // round trip can take less than one: the computation starts once the stamp's millisecond is over.
                var wait = unixMs + 1 - _time.GetUtcNow().ToUnixTimeMilliseconds();
                if (wait > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(wait, 2)), cancellationToken);
                }

                await RunBeforeAnnouncingAsync(beforeAnnouncing, cancellationToken);
            }

            if (_backplane is not null)
            {
                // Returns once the other live instances applied it (ADR 0023), so the write's acknowledgement follows their drop.
                await _backplane.PublishAsync(tags, cancellationToken);
            }
        }
        catch (Exception ex)
        {
            failure ??= ex;
        }

        if (failure is null)
        {
            return true;
        }

        Fallback(failure, "invalidate");
        return false;
    }

    /// <summary>Sends again the invalidations that could not be delivered; called on reconnect and by the sweeper.</summary>
    internal async Task RedeliverAsync()
    {
        var count = _undelivered.Count;
        for (var i = 0; i < count && _undelivered.TryDequeue(out var item); i++)
        {
            if (!await TryDistributeAsync([item.Tag], item.UnixMs, beforeAnnouncing: null, CancellationToken.None))
            {
                _undelivered.Enqueue(item);
                StartRedeliveryLoop();
                return;
            }
        }
    }

    /// <summary>
    /// Retries undelivered invalidations with backoff (0.5 s doubling to 2 s) until none is left, so that one
    /// failed attempt right after a reconnect (a breaker still open, a half-open connection) is not the last.
    /// </summary>
    private void StartRedeliveryLoop()
    {
        if (Interlocked.CompareExchange(ref _redelivering, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                var delay = TimeSpan.FromMilliseconds(500);
                while (!_undelivered.IsEmpty)
                {
                    await Task.Delay(delay, _time);
                    await RedeliverAsync();
                    // At most 2 s: a replica that took over a dead master's slots (about 8 s into a failover) holds
                    // its old stamps until this sends them; an attempt while Redis is away fails at the breaker, at no cost.
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.TicksPerSecond * 2));
                }
            }
            finally
            {
                Volatile.Write(ref _redelivering, 0);
                if (!_undelivered.IsEmpty)
                {
                    StartRedeliveryLoop();
                }
            }
        });
    }

    internal int UndeliveredInvalidations => _undelivered.Count;

    internal long RemoteInvalidations => Interlocked.Read(ref _remoteInvalidations);

    public event Action<CacheTag>? RemoteInvalidationApplied;

    public event Action<IReadOnlyList<CacheTag>>? RemoteInvalidationsApplied;

    void IBackplaneHandler.OnRemoteInvalidation(CacheTag tag) => ApplyRemote([tag]);

    void IBackplaneHandler.OnRemoteInvalidations(IReadOnlyList<CacheTag> tags) => ApplyRemote([.. tags]);

    /// <summary>One backplane message: every tag dropped here first, then the per-tag events, then the per-message one.</summary>
    private void ApplyRemote(CacheTag[] tags)
    {
        foreach (var tag in tags)
        {
            Interlocked.Increment(ref _remoteInvalidations);
            InvalidateLocal(tag);
        }

        foreach (var tag in tags)
        {
            try
            {
                RemoteInvalidationApplied?.Invoke(tag);
            }
            catch (Exception ex)
            {
                Log.RemoteInvalidationHandlerFailed(_logger, ex, tag.ToString());
            }
        }

        try
        {
            RemoteInvalidationsApplied?.Invoke(tags);
        }
        catch (Exception ex)
        {
            Log.RemoteInvalidationHandlerFailed(_logger, ex, string.Join(", ", tags.Select(t => t.ToString())));
        }
    }

    void IBackplaneHandler.OnLease(TimeSpan validFor) =>
        Volatile.Write(ref _leaseUntil, validFor > TimeSpan.Zero ? _now.UtcTicks + validFor.Ticks : long.MinValue);

    /// <summary>Reads of a valid L1 entry refused because the lease had run out (they went to L2).</summary>
    internal long LeaseRefusals => Interlocked.Read(ref _leaseRefusals);

    /// <summary>Whether L1 may be served at <paramref name="now"/> (coarse clock ticks): the backplane's lease holds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Leased(long now) => now < Volatile.Read(ref _leaseUntil);

    /// <summary>On the miss path while the lease has run out: counts the read when L1 held a valid entry it did not serve.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void NoteLeaseRefusal(EntryKey key, long now)
    {
        if (_entries.TryGetValue(key, out var entry) && now < entry.ExpiresTicks && IsValid(entry))
        {
            Interlocked.Increment(ref _leaseRefusals);
        }
    }

    void IBackplaneHandler.OnCompaniesMayBeStale(Func<int, bool> companies)
    {
        // Only those companies' copies: the other companies' invalidations went through, and no message was missed.
        ArgumentNullException.ThrowIfNull(companies);
        Interlocked.Increment(ref _missedMessageResets);
        foreach (var (companyId, _) in _companies)
        {
            if (companies(companyId))
            {
                InvalidateLocal(CacheTag.Company(companyId));
            }
        }

        _ = RedeliverAsync();
    }

    void IBackplaneHandler.OnMessagesMayHaveBeenMissed()
    {
        // Pub/sub is at most once: after a disconnect, everything held here may be stale. L2 entries are
        // checked against the tag stamps in L2 on the way back in, so this costs L2 reads, not computations.
        Interlocked.Increment(ref _missedMessageResets);
        InvalidateLocal(CacheTag.All);
        _ = RedeliverAsync();
    }

    /// <summary>
    /// What a computation does before it calls the source, in distributed mode: it reads L2, then takes the distributed
    /// lock or waits for the instance that holds it. Bounded as a whole by <see cref="WidgetCacheOptions.DistributedLockWait"/>:
    /// a store or lock that does not answer in time (a dead Redis master, a lock whose owner could not release it) costs
    /// that wait, then the value is computed from the source. The hard timeout does not count this time, and a failure of
    /// either makes the computation a fallback that no hard timeout bounds (ADR 0020).
    /// </summary>
    private async ValueTask<(FlightResult? Result, IAsyncDisposable? Lease)> CoordinateAsync<T>(Flight flight, WidgetHandle widget, int companyId)
    {
        using var budget = new CancellationTokenSource(_options.DistributedLockWait, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(flight.Token, budget.Token);
        var result = await ReadStoreAsync<T>(flight, widget, companyId, bounded.Token);
        if (result is null && budget.IsCancellationRequested && !flight.Token.IsCancellationRequested)
        {
            Fallback(new TimeoutException("L2 did not answer within the distributed lock wait."), "l2-read");
            flight.FallBack();
            return (null, null);
        }

        return result is null && _lock is not null
            ? await AwaitPeerOrLockAsync<T>(flight, widget, companyId, bounded.Token)
            : (result, null);
    }

    /// <summary>
    /// Takes the distributed lock for a key before computing; when another instance holds it, waits for its value to
    /// appear in L2 until <paramref name="cancellationToken"/> ends the wait, and then computes anyway.
    /// </summary>
    private async ValueTask<(FlightResult? FromPeer, IAsyncDisposable? Lease)> AwaitPeerOrLockAsync<T>(
        Flight flight, WidgetHandle widget, int companyId, CancellationToken cancellationToken)
    {
        var key = ToWidgetKey(widget, flight.Key).ToString();
        while (true)
        {
            IAsyncDisposable? lease;
            try
            {
                // Per invalidation (ADR 0021): the copy in L2 was invalidated at StoreStamp, so whoever computed it holds
                // (or just released, with a grace) the lock of an older generation, which this computation need not wait for.
                var generation = flight.StoreStamp;
                lease = await _lock!.TryAcquireAsync(
                    generation > 0 ? "lock:" + key + "@" + generation.ToString(CultureInfo.InvariantCulture) : "lock:" + key,
                    companyId,
                    _options.DistributedLockLease,
                    cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Token.IsCancellationRequested)
            {
                // The lock wait is over while asking: as below, not a failure of the cache layer.
                return (null, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !flight.Token.IsCancellationRequested)
            {
                Fallback(ex, "lock");
                flight.FallBack();
                return (null, null);
            }

            if (lease is not null)
            {
                // The previous owner may have written its value between our last look and our acquiring the lock.
                var written = await ReadStoreAsync<T>(flight, widget, companyId, cancellationToken);
                if (written is not null)
                {
                    await lease.DisposeAsync();
                    return (written, null);
                }

                return (null, lease);
            }

            try
            {
                await Task.Delay(_options.DistributedLockPollInterval, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (!flight.Token.IsCancellationRequested)
            {
                // The wait is over: the holder never wrote its value (it may be slow, gone, or unable to release the lock).
                return (null, null);
            }

            var fromPeer = await ReadStoreAsync<T>(flight, widget, companyId, cancellationToken);
            if (fromPeer is not null)
            {
                return (fromPeer, null);
            }
        }
    }
}
