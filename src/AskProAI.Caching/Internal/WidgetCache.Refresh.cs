using System.Collections.Concurrent;
using System.Globalization;

namespace AskProAI.Caching.Internal;

/// <summary>
/// Work that no request waits for, on the <c>cache</c> queue: refreshing an entry past its refresh threshold,
/// filling a new time bucket while the previous bucket's value is served as stale, and explicit refreshes.
/// </summary>
internal sealed partial class WidgetCache
{
    private readonly ConcurrentDictionary<EntryKey, byte> _scheduled = new();
    private readonly double _refreshThreshold;

    public bool TryScheduleRefresh<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        var now = _now.UtcTicks;
        return ScheduleBackground(widget, companyId, new EntryKey(widget.Index, companyId, BucketOf(widget.Tier, now)), now, state, compute) == Scheduling.Queued;
    }

    public ValueTask<CacheResult<T>> RefreshAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default,
        DateTimeOffset? bucketAt = null) =>
        RefreshAsync(widget, companyId, state, compute, coordinate: true, cancellationToken, bucketAt);

    public async ValueTask<CacheResult<T>> RefreshAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        bool coordinate,
        CancellationToken cancellationToken = default,
        DateTimeOffset? bucketAt = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        var now = _now.UtcTicks;
        switch (widget.ModeFor(companyId))
        {
            case CacheMode.Legacy:
                widget.Counters.Refreshed();
                return await ComputeLegacyAsync(widget, companyId, now, state, compute, cancellationToken);
            case CacheMode.Disabled:
                return await ComputeDirectAsync(widget, companyId, state, compute, cancellationToken);
        }

        var key = new EntryKey(widget.Index, companyId, BucketOf(widget.Tier, Math.Max(now, bucketAt?.UtcTicks ?? now)));

        // An explicit refresh stands for the moment it was asked for: only a value computed after it will do.
        var flight = JoinOrStart(widget, companyId, key, background: false, out var started, _time.GetUtcNow().UtcTicks);
        if (started)
        {
            widget.Counters.Refreshed();
            flight.SourceOnly = true;
            flight.Uncoordinated = !coordinate;
            _ = RunFlightAsync(flight, widget, companyId, state, compute);
        }

        try
        {
            var result = await flight.Task.WaitAsync(cancellationToken);
            return new CacheResult<T>(result is null ? default! : (T)result.Value, CacheOutcome.Miss, new DateTimeOffset(flight.StartTicks, TimeSpan.Zero))
            {
                Utf8Json = JsonOf(result?.Payload),
                ComputeTime = started && result is { FromStore: false } ? result.ComputeTime : null,
            };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            flight.Leave();
            throw;
        }
    }

    /// <summary>
    /// Answers a request for a bucket that has no entry yet from the previous bucket, marked stale, while one
    /// background computation fills the new bucket: no synchronized miss storm at the top of the hour.
    /// </summary>
    private bool TryServeRollover<TState, T>(
        WidgetHandle widget,
        int companyId,
        EntryKey key,
        long now,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        out CacheResult<T> result)
    {
        result = default;
        var bucketStart = WidgetKey.BucketStartOf(widget.Tier, key.Bucket).UtcTicks;

        // A value past its own end (yesterday's figures after a local midnight on the hour) is not served, even as stale.
        if (now - bucketStart >= widget.TtlTicks || _entries.ContainsKey(key)
            || !_entries.TryGetValue(key.Previous, out var previous)
            || !IsValid(previous) || !Leased(now) || now - previous.ExpiresTicks > widget.TtlTicks || previous.Value is not T value
            || (value is IExpiringValue ended && ended.ValidUntil.UtcTicks <= now))
        {
            return false;
        }

        ScheduleBackground(widget, companyId, key, previous.CreatedTicks, state, compute);
        widget.Counters.StaleHit();
        result = new CacheResult<T>(value, CacheOutcome.Stale, new DateTimeOffset(previous.CreatedTicks, TimeSpan.Zero)) { Utf8Json = JsonOf(previous.Payload) };
        return true;
    }

    /// <summary>
    /// When a read of an entry starts computing its next bucket: in the last quarter of the bucket (or of the TTL,
    /// when shorter), at a point in its first 80 % chosen by a stable hash of the company, so that the companies'
    /// next buckets are computed one after another rather than all at the boundary.
    /// </summary>
    internal static long PrefetchTicksOf(WidgetHandle widget, EntryKey key)
    {
        var bucketEnd = WidgetKey.BucketStartOf(widget.Tier, key.Bucket + 1).UtcTicks;
        var bucketLength = widget.Tier.UsesMinuteBuckets() ? TimeSpan.TicksPerMinute : TimeSpan.TicksPerHour;
        var window = Math.Min(widget.TtlTicks, bucketLength) / 4;
        var slot = unchecked((uint)key.CompanyId * 2654435761u) % 1000;
        return bucketEnd - window + (long)(window * 0.8 * slot / 1000);
    }

    /// <summary>A hit past the entry's refresh or prefetch time: queue what is due, once per entry.</summary>
    private void OnAttention<TState, T>(
        WidgetHandle widget,
        int companyId,
        EntryKey key,
        CacheEntry entry,
        long now,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute)
    {
        // A claim refused by a full queue is given back, so a later hit tries again. Both stand for a point after
        // this entry's creation: an L2 value no newer than this entry is not taken instead of computing.
        if (now >= entry.RefreshTicks && entry.TryClaimRefresh()
            && ScheduleBackground(widget, companyId, key, entry.CreatedTicks, state, compute) == Scheduling.QueueFull)
        {
            entry.ReleaseRefresh();
        }

        if (now >= entry.PrefetchTicks && entry.TryClaimPrefetch() && !_entries.ContainsKey(key.Next)
            && ScheduleBackground(widget, companyId, key.Next, entry.CreatedTicks, state, compute) == Scheduling.QueueFull)
        {
            entry.ReleasePrefetch();
        }
    }

    /// <summary>What became of a request for background work.</summary>
    private enum Scheduling
    {
        Queued,
        AlreadyPending,
        QueueFull,
    }

    /// <summary>
    /// Queues one background computation of a key; deduplicated while it is queued or running. It computes from the
    /// source unless L2 holds a value created after <paramref name="freshAfterTicks"/> (another instance's refresh).
    /// </summary>
    private Scheduling ScheduleBackground<TState, T>(
        WidgetHandle widget,
        int companyId,
        EntryKey key,
        long freshAfterTicks,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute)
    {
        if (_flights.ContainsKey(key) || !_scheduled.TryAdd(key, 0))
        {
            return Scheduling.AlreadyPending;
        }

        var scheduledAt = _now.UtcTicks;
        var queued = _queue.TryEnqueue(
            string.Create(CultureInfo.InvariantCulture, $"refresh:{widget.Name}:{companyId}:{key.Bucket}"),
            async ct =>
            {
                try
                {
                    // A foreground miss may have filled the key while this waited in the queue.
                    if (_entries.TryGetValue(key, out var entry) && entry.CreatedTicks > scheduledAt && IsValid(entry))
                    {
                        return;
                    }

                    var flight = JoinOrStart(widget, companyId, key, background: true, out var started, freshAfterTicks);
                    if (started)
                    {
                        await RunFlightAsync(flight, widget, companyId, state, compute);
                    }
                }
                finally
                {
                    _scheduled.TryRemove(key, out _);
                }
            });
        if (!queued)
        {
            _scheduled.TryRemove(key, out _);
            Log.RefreshNotQueued(_logger, widget.Name, companyId);
            return Scheduling.QueueFull;
        }

        return Scheduling.Queued;
    }
}
