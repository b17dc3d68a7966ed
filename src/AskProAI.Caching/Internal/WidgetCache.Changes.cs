namespace AskProAI.Caching.Internal;

/// <summary>
/// Writes applied to cached values (ADR 0015): a committed write's own change is folded into the values in memory
/// that cannot contain it yet, instead of dropping them and recomputing from the source on the next read.
/// </summary>
internal sealed partial class WidgetCache
{
    public WriteTicket BeginWrite() => new(Interlocked.Increment(ref _clock));

    public async ValueTask<bool> ApplyChangeAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        WriteTicket ticket,
        TState state,
        Func<T, TState, T?> apply,
        CancellationToken cancellationToken = default)
        where T : class
    {
        if (companyId <= 0 || !ReferenceEquals(widget?.Owner, this))
        {
            ThrowBadArguments(widget!, companyId);
        }

        ArgumentNullException.ThrowIfNull(apply);
        var tag = CacheTag.CompanyWidget(widget.Name, companyId);
        if (!CanApplyChanges(widget, companyId))
        {
            // Other instances' copies (and the Legacy baseline) cannot be updated in step: drop them as before.
            await InvalidateAsync(tag, cancellationToken);
            return false;
        }

        // The stamp of this change: the updated values carry it as their version, and moving the widget's company
        // stamp to it below drops every value not updated and every computation in flight (it may or may not have
        // read the write).
        var stamp = Interlocked.Increment(ref _clock);
        var all = true;
        var dropped = false;
        var updatedAny = false;
        var now = _now.UtcTicks;
        var bucket = BucketOf(widget.Tier, now);

        // The previous bucket (served on rollover), the current one and the next (computed ahead).
        for (var b = bucket - 1; b <= bucket + 1; b++)
        {
            var key = new EntryKey(widget.Index, companyId, b);

            // A computation in flight is discarded by the stamp below (it may or may not have read the write): its next
            // read computes again, so this change counts as an invalidation.
            dropped |= _flights.ContainsKey(key);
            while (_entries.TryGetValue(key, out var entry))
            {
                T? updated = null;
                // An expired entry is dropped, never updated: an update would make it valid again, and an expired valid
                // entry may be served stale (rollover, fail-safe) where an invalidated one never is.
                if (entry.EndClock < ticket.Clock && now < entry.ExpiresTicks && IsValid(entry) && entry.Value is T value)
                {
                    try
                    {
                        updated = apply(value, state);
                    }
                    catch (Exception ex)
                    {
                        Log.ApplyChangeFailed(_logger, ex, widget.Name, companyId);
                    }
                }

                if (updated is null)
                {
                    all = false;
                    dropped = true;
                    break;
                }

                // The updated value's bytes replace the old ones (the entry keeps one serialized form); its hold on the
                // company's state passes to the copy. Another change replaced the entry meanwhile: apply this one to that
                // value (changes commute).
                var payload = TrySerialize(updated);
                var copy = entry.WithValue(updated, payload, SizeOf(payload), stamp);
                if (_entries.TryUpdate(key, copy, entry))
                {
                    Interlocked.Add(ref _bytes, copy.Size - entry.Size);
                    widget.Counters.ChangeApplied();
                    updatedAny = true;
                    break;
                }
            }
        }

        // As an invalidation of the tag, with the stamp the updated values carry (no state is made for a company never read).
        // Counted as an invalidation only when it dropped a value or a computation; a change applied to every value it
        // found recomputes nothing and is counted apart; one that found nothing cached counts in neither.
        if (dropped)
        {
            Interlocked.Increment(ref _invalidations);
        }
        else if (updatedAny)
        {
            Interlocked.Increment(ref _appliedChanges);
        }

        MoveStampAndTick(tag, stamp);
        return all;
    }
}
