namespace AskProAI.Caching.Internal;

/// <summary>
/// Factory timeouts: how long a caller waits for a computation in flight. Past the soft timeout, a caller gets the
/// last value of the key (or of its previous bucket), marked stale, when fail-safe may serve one: expired at most
/// <see cref="WidgetCacheOptions.FailSafeMaxDuration"/> ago, untouched by any invalidation, not past its own end.
/// Past the hard timeout, it gets a <see cref="WidgetTimeoutException"/>. Either way the computation goes on (a caller
/// that timed out stays counted as a waiter, so it is never cancelled) and stores its value for the next request.
/// </summary>
internal sealed partial class WidgetCache
{
    /// <summary>
    /// Waits for a flight within the widget's timeouts. The soft timeout counts from the flight's start (a caller that
    /// joins a computation already slower than it gets the stale value at once); the hard timeout from the caller's
    /// request (<paramref name="askedTicks"/>) or, when later, from the moment the flight called the source, and it ends
    /// once the source has answered: it bounds the computation, not the cache's own L2 and lock work around it, which the
    /// lock wait and the store's timeouts bound; a computation the cache layer failed is a fallback, without it (ADR 0020).
    /// </summary>
    private async ValueTask<Waited<T>> WaitWithTimeoutsAsync<T>(
        WidgetHandle widget, Flight flight, EntryKey key, long askedTicks, CancellationToken cancellationToken)
    {
        var task = flight.Task;
        if (widget.SoftTimeout > TimeSpan.Zero && (widget.HardTimeout <= TimeSpan.Zero || widget.SoftTimeout < widget.HardTimeout))
        {
            try
            {
                return new(await task.WaitAsync(Remaining(flight.StartTicks + widget.SoftTimeout.Ticks), _time, cancellationToken));
            }
            catch (TimeoutException) when (!task.IsCompleted)
            {
                if (TryServeStaleOnTimeout(widget, key, out CacheResult<T> stale))
                {
                    return new(stale);
                }
            }
            catch (TimeoutException)
            {
                // The computation itself failed with a timeout (or ended as the wait did): its own outcome counts.
                return new(await task);
            }
        }

        if (widget.HardTimeout > TimeSpan.Zero)
        {
            if (!task.IsCompleted && !flight.SourceCalled.IsCompleted)
            {
                // Before the source is called, the L2 read and the distributed lock run, bounded by the lock wait: a Redis
                // in trouble costs that wait, never a timeout (ADR 0020).
                await Task.WhenAny(task, flight.SourceCalled).WaitAsync(cancellationToken);
            }

            if (flight.FellBack)
            {
                // The cache layer failed this computation (Redis down, the breaker open): it is a direct computation, as a
                // failed lookup's is, and a slow database then (every instance recomputing what it dropped) is no 503.
                return new(await task.WaitAsync(cancellationToken));
            }

            try
            {
                var from = Math.Max(askedTicks, flight.SourceCalledTicks);
                return new(await task.WaitAsync(Remaining(from + widget.HardTimeout.Ticks), _time, cancellationToken));
            }
            catch (TimeoutException) when (!task.IsCompleted && !flight.SourceAnswered)
            {
                widget.Counters.HardTimedOut();
                Log.HardTimeout(_logger, widget.Name, key.CompanyId, widget.HardTimeout.TotalMilliseconds);
                throw new WidgetTimeoutException(widget.Name, widget.HardTimeout);
            }
            catch (TimeoutException) when (!task.IsCompleted)
            {
                // The source answered in time; the value is being stored (the L2 write is bounded by the lock wait).
                return new(await task.WaitAsync(cancellationToken));
            }
            catch (TimeoutException)
            {
                return new(await task);
            }
        }

        return new(await task.WaitAsync(cancellationToken));
    }

    /// <summary>The time left until a deadline on the engine's clock; zero when it has passed (the wait ends at once).</summary>
    private TimeSpan Remaining(long deadlineTicks) => TimeSpan.FromTicks(Math.Max(0, deadlineTicks - _time.GetUtcNow().UtcTicks));

    /// <summary>
    /// After a soft timeout: the key's last value, or its previous bucket's, under the fail-safe rules (expired at most
    /// <see cref="WidgetCacheOptions.FailSafeMaxDuration"/> ago, never invalidated) and not past its own end. A value
    /// read from L2 earlier is such a value here too, with the entry's own expiry; L2 keeps no expired value.
    /// </summary>
    private bool TryServeStaleOnTimeout<T>(WidgetHandle widget, EntryKey key, out CacheResult<T> result)
    {
        var now = _now.UtcTicks;
        var limit = _options.FailSafeMaxDuration.Ticks;
        foreach (var candidate in (ReadOnlySpan<EntryKey>)[key, key.Previous])
        {
            if (_entries.TryGetValue(candidate, out var entry) && now - entry.ExpiresTicks <= limit && IsValid(entry) && entry.Value is T value
                && !(value is IExpiringValue ended && ended.ValidUntil.UtcTicks <= now))
            {
                widget.Counters.StaleHit();
                widget.Counters.SoftTimedOut();
                Log.SoftTimeoutServedStale(_logger, widget.Name, key.CompanyId, widget.SoftTimeout.TotalMilliseconds);
                result = new CacheResult<T>(value, CacheOutcome.Stale, entry.CreatedAt);
                return true;
            }
        }

        result = default;
        return false;
    }

    /// <summary>What a caller got from waiting: the flight's result, or (after a soft timeout) a stale value.</summary>
    private readonly struct Waited<T>
    {
        public Waited(FlightResult? result) => Result = result;

        public Waited(CacheResult<T> stale)
        {
            Stale = stale;
            IsStale = true;
        }

        public FlightResult? Result { get; }

        public CacheResult<T> Stale { get; }

        public bool IsStale { get; }
    }
}
