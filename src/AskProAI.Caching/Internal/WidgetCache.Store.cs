using System.Globalization;
using System.Runtime.InteropServices;

namespace AskProAI.Caching.Internal;

/// <summary>
/// Storing values: L1 with its size limits and sweeping, and the optional shared L2. Every L2 failure is a
/// miss, logged and counted, never an error for the caller.
/// </summary>
internal sealed partial class WidgetCache
{
    private long _count;
    private long _bytes;
    private long _evictions;
    private long _fallbacks;
    private int _compacting;

    /// <summary>One sweep at a time: the timer's, a compaction's and an explicit one would otherwise evict side by side.</summary>
    private readonly Lock _sweepLock = new();

    /// <summary>Stores a computed value in L1 unless an invalidation overlapped its computation.</summary>
    /// <returns>Whether the value was stored as fresh.</returns>
    private ValueTask<bool> StoreAsync(Flight flight, WidgetHandle widget, int companyId, FlightResult result)
    {
        // The entry holds the company's state while it is in L1; the computation's own hold ends with it.
        if (!flight.Company.TryHold())
        {
            Log.StaleWriteBackSkipped(_logger, widget.Name, companyId);
            return new ValueTask<bool>(false);
        }

        var stored = false;
        try
        {
            var ttl = widget.TtlTicks;
            var expires = result.ExpiresTicks;
            var entry = new CacheEntry(
                result.Value,
                result.Payload,
                flight.StartVersion,
                result.CreatedTicks,
                expires,
                widget.BackgroundRefresh ? expires - ttl + (long)(ttl * _refreshThreshold) : long.MaxValue,
                widget.PrefetchNextBucket ? PrefetchTicksOf(widget, flight.Key) : long.MaxValue,
                widget,
                flight.Company,
                SizeOf(result.Payload),
                result.FromStore ? long.MaxValue : ReadClock());
            if (!IsValid(entry))
            {
                Log.StaleWriteBackSkipped(_logger, widget.Name, companyId);
                return new ValueTask<bool>(false);
            }

            while (true)
            {
                if (_entries.TryGetValue(flight.Key, out var existing))
                {
                    if (existing.Version > entry.Version && IsValid(existing))
                    {
                        return new ValueTask<bool>(false);
                    }

                    if (_entries.TryUpdate(flight.Key, entry, existing))
                    {
                        Interlocked.Add(ref _bytes, entry.Size - existing.Size);
                        Unhold(existing.Company);
                        break;
                    }
                }
                else if (_entries.TryAdd(flight.Key, entry))
                {
                    Interlocked.Add(ref _bytes, entry.Size);
                    if (Interlocked.Increment(ref _count) > _options.MaxEntries || Volatile.Read(ref _bytes) > _options.SizeLimitBytes)
                    {
                        RequestCompaction();
                    }

                    break;
                }
            }

            stored = true;
            return new ValueTask<bool>(true);
        }
        catch (Exception ex)
        {
            Fallback(ex, "store");
            return new ValueTask<bool>(false);
        }
        finally
        {
            if (!stored)
            {
                Unhold(flight.Company);
            }
        }
    }

    /// <summary>
    /// When a value computed now for a key stops being fresh: one TTL from now, and a value computed ahead for a
    /// bucket that has not started yet stays fresh into that bucket; never after the value's own end
    /// (<see cref="IExpiringValue"/>).
    /// </summary>
    private static long ExpiryOf<T>(WidgetHandle widget, EntryKey key, long now, T value)
    {
        var ttl = widget.TtlTicks;
        var bucketStart = WidgetKey.BucketStartOf(widget.Tier, key.Bucket).UtcTicks;
        var expires = Math.Max(now + ttl, bucketStart + Math.Min(ttl, TimeSpan.TicksPerMinute));
        return value is IExpiringValue ending ? Math.Min(expires, ending.ValidUntil.UtcTicks) : expires;
    }

    /// <summary>Serializes a computed value once: its length is the L1 size estimate and, with L2, the bytes stored.</summary>
    private byte[]? TrySerialize<T>(T value)
    {
        try
        {
            return _serializer.Serialize(value);
        }
        catch (Exception ex)
        {
            if (_store is not null)
            {
                Fallback(ex, "serialize");
            }

            return null;
        }
    }

    /// <summary>
    /// What an entry costs in memory: its overhead, the payload it keeps and, for the value object itself, the payload's
    /// length again (the JSON's length is the estimate of the object's); 1 KiB for a value the serializer refused.
    /// </summary>
    private static long SizeOf(byte[]? payload) => CacheEntry.Overhead + (payload is null ? 1024 : 2L * payload.Length);

    /// <summary>The payload as UTF-8 JSON for <see cref="CacheResult{T}.Utf8Json"/>, when the serializer writes JSON.</summary>
    private byte[]? JsonOf(byte[]? payload) => _payloadIsJson ? payload : null;

    /// <summary>
    /// The key's value from L2 when it is valid (not expired, newer than what a refresh replaces, after every tag stamp);
    /// a failure (then the flight falls back), or no answer before <paramref name="cancellationToken"/> (the time before the
    /// computation, ADR 0020), is a miss.
    /// </summary>
    private async ValueTask<FlightResult?> ReadStoreAsync<T>(Flight flight, WidgetHandle widget, int companyId, CancellationToken cancellationToken)
    {
        try
        {
            var key = ToWidgetKey(widget, flight.Key).ToString();
            // The entry and its tags' stamps in one round trip (an L2 read is on the path of every push and cold read).
            var (stored, stamps) = await _store!.GetWithTagStampsAsync(key, companyId, TagStringsOf(widget, companyId), cancellationToken);
            var nowMs = _time.GetUtcNow().ToUnixTimeMilliseconds();
            if (stored is null || stored.ExpiresUnixMs <= nowMs
                || DateTimeOffset.FromUnixTimeMilliseconds(stored.CreatedUnixMs).UtcTicks <= flight.FreshAfterTicks)
            {
                // A refresh does not take a value no newer than the one it is meant to replace.
                return null;
            }

            var newest = stamps.Length == 0 ? 0 : stamps.Max();
            flight.StoreStamp = Math.Max(flight.StoreStamp, newest);

            // Ties count as invalidated: a value whose computation started in the same millisecond is not trusted.
            if (newest >= stored.CreatedUnixMs)
            {
                return null;
            }

            var value = _serializer.Deserialize<T>(stored.Payload.Span);

            // The payload read is kept as the entry's bytes: a whole array is taken as it is, a slice copied once.
            var payload = MemoryMarshal.TryGetArray(stored.Payload, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : stored.Payload.ToArray();
            return value is null
                ? null
                : new FlightResult(
                    value,
                    payload,
                    DateTimeOffset.FromUnixTimeMilliseconds(stored.CreatedUnixMs).UtcTicks,
                    DateTimeOffset.FromUnixTimeMilliseconds(stored.ExpiresUnixMs).UtcTicks,
                    fromStore: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Token.IsCancellationRequested)
        {
            // The time before the computation is over (ADR 0020); the caller tells whether that was a failure.
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !flight.Token.IsCancellationRequested)
        {
            Fallback(ex, "l2-read");
            flight.FallBack();
            return null;
        }
    }

    /// <summary>
    /// Writes a computed value to L2 before its waiters get it; a failure, or no answer within the lock wait (the bound on
    /// the cache's own work around a computation, ADR 0020), leaves the value in L1 only.
    /// </summary>
    private async ValueTask WriteStoreAsync(Flight flight, WidgetHandle widget, int companyId, FlightResult result, byte[] payload)
    {
        try
        {
            // The L1 entry's own times: a copy read elsewhere expires when this entry does.
            var created = new DateTimeOffset(result.CreatedTicks, TimeSpan.Zero).ToUnixTimeMilliseconds();
            var expires = new DateTimeOffset(result.ExpiresTicks, TimeSpan.Zero).ToUnixTimeMilliseconds();
            using var budget = new CancellationTokenSource(_options.DistributedLockWait, _time);
            await _store!.SetAsync(ToWidgetKey(widget, flight.Key).ToString(), companyId, new StoredEntry(payload, created, expires), budget.Token);
        }
        catch (Exception ex)
        {
            Fallback(ex, "l2-write");
        }
    }

    private void Fallback(Exception exception, string operation)
    {
        Interlocked.Increment(ref _fallbacks);
        Log.CacheLayerFailed(_logger, exception, operation);
    }

    private void RequestCompaction()
    {
        if (Interlocked.CompareExchange(ref _compacting, 1, 0) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(
                static cache =>
                {
                    try
                    {
                        cache.Sweep();
                    }
                    finally
                    {
                        Volatile.Write(ref cache._compacting, 0);
                    }
                },
                this,
                preferLocal: false);
        }
    }

    /// <summary>
    /// Drops entries that can no longer be served (invalidated, or expired beyond the fail-safe window), then,
    /// while over a limit, the oldest entries down to 90 % of it, and the state of every company left without an
    /// entry. Runs on a timer and when a limit is passed, never on the request path; one at a time, so a sweep that
    /// returns has seen the limits kept and no other sweep is still removing entries behind it.
    /// </summary>
    internal void Sweep()
    {
        if (!_undelivered.IsEmpty)
        {
            _ = RedeliverAsync();
        }

        lock (_sweepLock)
        {
            SweepOnce();
        }
    }

    private void SweepOnce()
    {
        try
        {
            var now = _now.UtcTicks;
            SweepThrottles(now);
            SweepLegacy(now);
            var keep = Math.Max(_options.FailSafeMaxDuration.Ticks, TimeSpan.TicksPerHour);
            foreach (var (key, entry) in _entries)
            {
                if (!IsValid(entry) || now - entry.ExpiresTicks > keep)
                {
                    Remove(key, entry);
                }
            }

            var maxCount = _options.MaxEntries;
            var maxBytes = _options.SizeLimitBytes;
            if (Volatile.Read(ref _count) <= maxCount && Volatile.Read(ref _bytes) <= maxBytes)
            {
                return;
            }

            var all = _entries.ToArray();
            Array.Sort(all, static (a, b) => a.Value.CreatedTicks.CompareTo(b.Value.CreatedTicks));
            var targetCount = maxCount * 9L / 10;
            var targetBytes = maxBytes / 10 * 9;
            foreach (var (key, entry) in all)
            {
                if (Volatile.Read(ref _count) <= targetCount && Volatile.Read(ref _bytes) <= targetBytes)
                {
                    break;
                }

                if (Remove(key, entry))
                {
                    Interlocked.Increment(ref _evictions);
                }
            }
        }
        catch (Exception ex)
        {
            Fallback(ex, "sweep");
        }
        finally
        {
            _sweepSegments?.Invoke(_now.UtcTicks);
            DropIdleCompanies();
        }
    }

    private bool Remove(EntryKey key, CacheEntry entry)
    {
        if (!_entries.TryRemove(new KeyValuePair<EntryKey, CacheEntry>(key, entry)))
        {
            return false;
        }

        Interlocked.Decrement(ref _count);
        Interlocked.Add(ref _bytes, -entry.Size);
        Unhold(entry.Company);
        return true;
    }

    internal string FormatKey(WidgetHandle widget, int companyId, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{new WidgetKey(widget.Name, widget.Tier, companyId, BucketOf(widget.Tier, at.UtcTicks))}");
}
