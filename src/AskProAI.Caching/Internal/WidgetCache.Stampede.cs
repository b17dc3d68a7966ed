using System.Collections.Concurrent;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The miss path: at most one computation per key runs at a time, and every caller that misses while it runs
/// waits for it. A caller that cancels stops waiting; the computation is cancelled only when all have.
/// A computation that started before an invalidation of one of its tags is never joined by later callers.
/// </summary>
internal sealed partial class WidgetCache
{
    private readonly ConcurrentDictionary<EntryKey, Throttle> _throttled = new();

    private async ValueTask<CacheResult<T>> GetSlowAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        EntryKey key,
        long now,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken)
    {
        Flight flight;
        bool started;
        try
        {
            if (!Leased(now))
            {
                NoteLeaseRefusal(key, now);
            }

            if (!_throttled.IsEmpty && TryServeThrottled(widget, key, now, out CacheResult<T> throttled))
            {
                return throttled;
            }

            if (widget.ServeStaleOnRollover && TryServeRollover(widget, companyId, key, now, state, compute, out var stale))
            {
                return stale;
            }

            flight = JoinOrStart(widget, companyId, key, background: false, out started);
            if (started)
            {
                if (TryCompleteFromL1(widget, flight, key, out CacheResult<T> stored))
                {
                    return stored;
                }

                _ = RunFlightAsync(flight, widget, companyId, state, compute);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fallback(ex, "lookup");
            return await ComputeDirectAsync(widget, companyId, state, compute, cancellationToken);
        }

        FlightResult? result;
        var end = WaitEnd.Miss;
        widget.Counters.StartWaiting();
        try
        {
            if (widget.HasTimeouts)
            {
                var waited = await WaitWithTimeoutsAsync<T>(widget, flight, key, now, cancellationToken);
                if (waited.IsStale)
                {
                    end = WaitEnd.Stale;
                    return waited.Stale;
                }

                result = waited.Result;
            }
            else
            {
                result = await flight.Task.WaitAsync(cancellationToken);
            }

            end = result is { FromStore: true } ? WaitEnd.L2Hit : WaitEnd.Miss;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            flight.Leave();
            throw;
        }
        catch (Exception ex) when (TryFailSafe(widget, key, ex, out CacheResult<T> fallback))
        {
            end = WaitEnd.Stale;
            return fallback;
        }
        finally
        {
            // Counted once, when the answer is known: a value another instance computed, read from L2, is a hit; a stale
            // value (fail-safe, soft timeout) is counted as stale where it is served.
            widget.Counters.StopWaiting(end);
        }

        var fromL2 = end == WaitEnd.L2Hit;

        if (fromL2)
        {
            return new CacheResult<T>((T)result!.Value, CacheOutcome.Hit, result.CreatedAt) { FromL2 = true, Utf8Json = JsonOf(result.Payload) };
        }

        return result is null
            ? new CacheResult<T>(default!, CacheOutcome.Miss, new DateTimeOffset(flight.StartTicks, TimeSpan.Zero))
            : new CacheResult<T>((T)result.Value, CacheOutcome.Miss, new DateTimeOffset(result.CreatedTicks, TimeSpan.Zero))
            {
                Utf8Json = JsonOf(result.Payload),
                ComputeTime = started && !result.FromStore ? result.ComputeTime : null,
            };
    }

    /// <summary>
    /// Closes the stampede window: a caller that missed L1 just before the previous computation stored its value,
    /// and looked for it in flight just after it left, would start a second computation. A computation stores its
    /// value before it leaves, so looking in L1 again after starting one finds that value; the new computation then
    /// ends at once with it, for this caller and any that joined meanwhile.
    /// </summary>
    private bool TryCompleteFromL1<T>(WidgetHandle widget, Flight flight, EntryKey key, out CacheResult<T> result)
    {
        var now = _now.UtcTicks;
        if (_entries.TryGetValue(key, out var entry) && now < entry.ExpiresTicks && IsValid(entry) && Leased(now) && entry.Value is T value)
        {
            _flights.TryRemove(new KeyValuePair<EntryKey, Flight>(key, flight));
            EndHold(flight);
            flight.Complete(new FlightResult(entry.Value, entry.Payload, entry.CreatedTicks, entry.ExpiresTicks, fromStore: false));
            widget.Counters.Hit();
            result = new CacheResult<T>(value, CacheOutcome.Hit, entry.CreatedAt) { Utf8Json = JsonOf(entry.Payload) };
            return true;
        }

        result = default;
        return false;
    }

    /// <summary>
    /// Joins the computation in flight for the key, or starts one (then <paramref name="started"/> is true). A
    /// refresh (<paramref name="freshAfterTicks"/> past long.MinValue) joins only a computation that stands for
    /// the same point or a later one, so it never gets a value older than what it is meant to replace.
    /// </summary>
    private Flight JoinOrStart(WidgetHandle widget, int companyId, EntryKey key, bool background, out bool started, long freshAfterTicks = long.MinValue)
    {
        while (true)
        {
            if (_flights.TryGetValue(key, out var current))
            {
                var stale = current.StartVersion < CurrentStamp(widget, current.Company)
                    || current.FreshAfterTicks < freshAfterTicks;
                if (!stale && (background || current.TryJoin()))
                {
                    started = false;
                    return current;
                }

                var replacement = NewFlight(widget, companyId, key, background, freshAfterTicks);
                if (_flights.TryUpdate(key, replacement, current))
                {
                    started = true;
                    return replacement;
                }

                EndHold(replacement);
                continue;
            }

            var flight = NewFlight(widget, companyId, key, background, freshAfterTicks);
            if (_flights.TryAdd(key, flight))
            {
                started = true;
                return flight;
            }

            EndHold(flight);
        }
    }

    private Flight NewFlight(WidgetHandle widget, int companyId, EntryKey key, bool background, long freshAfterTicks)
    {
        // The company's state (held until the computation ends) and its widget stamp exist before the clock is read, so
        // an invalidation racing with this start finds them.
        var company = HoldCompany(companyId);
        company.EnsureWidget(widget.Index);
        // A precise read (not the coarse clock): the start time is compared with tag stamps written by other instances.
        return new Flight(key, ReadClock(), _time.GetUtcNow().UtcTicks, company, background, freshAfterTicks);
    }

    private async Task RunFlightAsync<TState, T>(
        Flight flight,
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute)
    {
        // A value computed ahead of its bucket is computed for the bucket's start, not for the clock of its scheduling.
        var context = new WidgetComputeContext(widget.Name, companyId, widget.Tier, flight.Background)
        {
            At = new DateTimeOffset(Math.Max(_time.GetUtcNow().UtcTicks, WidgetKey.BucketStartOf(widget.Tier, flight.Key.Bucket).UtcTicks), TimeSpan.Zero),
            Previous = PreviousOf(flight),
        };
        try
        {
            var (result, lease) = _store is null || flight.Uncoordinated ? default : await CoordinateAsync<T>(flight, widget, companyId);
            await using var releaseLease = lease;
            if (result is null)
            {
                flight.CallingSource(_time.GetUtcNow().UtcTicks);
                var startedAt = _time.GetTimestamp();
                var value = await compute(state, context, flight.Token);
                if (value is IExpiringValue ended && ended.ValidUntil <= _time.GetUtcNow())
                {
                    // Its own end (a local midnight) passed during the computation: no caller is given a value already over.
                    value = await compute(state, context with { At = _time.GetUtcNow() }, flight.Token);
                }

                flight.SourceHasAnswered();
                var elapsed = _time.GetElapsedTime(startedAt);
                RecordComputation(widget, companyId, elapsed);
                // One TTL from the computation's start, not its end (docs/engine.md, "TTL"): a computation that ran long, or a
                // background refresh that waited on the queue, never yields a value fresh for longer than its TTL.
                // Serialized once: the same bytes are the entry's size, its L2 payload and the response body.
                result = value is null
                    ? null
                    : new FlightResult(value, TrySerialize(value), flight.StartTicks, ExpiryOf(widget, flight.Key, flight.StartTicks, value), fromStore: false, elapsed);
                if (result is not null && await StoreAsync(flight, widget, companyId, result) && _store is not null && result.Payload is not null)
                {
                    await WriteStoreAsync(flight, widget, companyId, result, result.Payload);
                }
            }
            else
            {
                await StoreAsync(flight, widget, companyId, result);
            }

            if (flight.Background)
            {
                widget.Counters.Refreshed();
            }

            _flights.TryRemove(new KeyValuePair<EntryKey, Flight>(flight.Key, flight));
            EndHold(flight);
            flight.Complete(result);
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                widget.Counters.Error();
                Log.ComputationFailed(_logger, ex, widget.Name, companyId);
            }

            _flights.TryRemove(new KeyValuePair<EntryKey, Flight>(flight.Key, flight));
            EndHold(flight);
            flight.Fail(ex);
        }
    }

    /// <summary>
    /// The previous bucket's value offered to a computation that fills a new bucket (ADR 0017): only when the key has
    /// no entry at all (a refresh of an existing bucket reads the source), the flight is not an explicit refresh, and
    /// the previous entry is valid. Read after the flight's start version: an invalidation or an applied write after
    /// this read moves a stamp past that version, so what the computation makes of it is never stored as valid.
    /// </summary>
    private object? PreviousOf(Flight flight) =>
        !flight.SourceOnly && !_entries.ContainsKey(flight.Key)
        && _entries.TryGetValue(flight.Key.Previous, out var previous) && IsValid(previous) && Leased(_now.UtcTicks)
            ? previous.Value
            : null;

    /// <summary>
    /// Serves the last good value, marked stale, when a computation failed (fail-safe): only a value no
    /// invalidation has touched (read-your-writes wins), and at most <see cref="WidgetCacheOptions.FailSafeMaxDuration"/>
    /// past its expiry.
    /// </summary>
    private bool TryFailSafe<T>(WidgetHandle widget, EntryKey key, Exception exception, out CacheResult<T> result)
    {
        result = default;
        if (exception is OperationCanceledException)
        {
            return false;
        }

        var now = _now.UtcTicks;
        var limit = _options.FailSafeMaxDuration.Ticks;
        foreach (var candidate in (ReadOnlySpan<EntryKey>)[key, key.Previous])
        {
            if (_entries.TryGetValue(candidate, out var entry) && now - entry.ExpiresTicks <= limit && IsValid(entry) && entry.Value is T value)
            {
                widget.Counters.StaleHit();
                Log.FailSafeServed(_logger, widget.Name, key.CompanyId, exception.GetType().Name);
                if (widget.FailSafeThrottle > TimeSpan.Zero)
                {
                    _throttled[key] = new Throttle(entry, now + widget.FailSafeThrottle.Ticks);
                }

                result = new CacheResult<T>(value, CacheOutcome.Stale, new DateTimeOffset(entry.CreatedTicks, TimeSpan.Zero)) { Utf8Json = JsonOf(entry.Payload) };
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Within the fail-safe throttle after a failed computation, serves the fail-safe value again without calling
    /// the source, unless an invalidation touched it since or it has passed the fail-safe window.
    /// </summary>
    private bool TryServeThrottled<T>(WidgetHandle widget, EntryKey key, long now, out CacheResult<T> result)
    {
        result = default;
        if (!_throttled.TryGetValue(key, out var throttle))
        {
            return false;
        }

        var entry = throttle.Entry;
        if (now >= throttle.UntilTicks || !IsValid(entry) || now - entry.ExpiresTicks > _options.FailSafeMaxDuration.Ticks || entry.Value is not T value)
        {
            _throttled.TryRemove(new KeyValuePair<EntryKey, Throttle>(key, throttle));
            return false;
        }

        widget.Counters.StaleHit();
        result = new CacheResult<T>(value, CacheOutcome.Stale, entry.CreatedAt) { Utf8Json = JsonOf(entry.Payload) };
        return true;
    }

    /// <summary>Drops fail-safe throttles that have run out (from the sweep).</summary>
    private void SweepThrottles(long now)
    {
        foreach (var (key, throttle) in _throttled)
        {
            if (now >= throttle.UntilTicks)
            {
                _throttled.TryRemove(new KeyValuePair<EntryKey, Throttle>(key, throttle));
            }
        }
    }

    /// <summary>A key answered from a fail-safe value until a moment, without calling the source.</summary>
    private sealed record Throttle(CacheEntry Entry, long UntilTicks);

    /// <summary>Computes without the cache, after the cache layer itself failed.</summary>
    private async ValueTask<CacheResult<T>> ComputeDirectAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken)
    {
        var startedAt = _time.GetTimestamp();
        var at = _time.GetUtcNow();
        var value = await compute(state, new WidgetComputeContext(widget.Name, companyId, widget.Tier, false) { At = at }, cancellationToken);
        var elapsed = _time.GetElapsedTime(startedAt);
        RecordComputation(widget, companyId, elapsed);
        return new CacheResult<T>(value, CacheOutcome.Bypass, at) { ComputeTime = elapsed };
    }
}
