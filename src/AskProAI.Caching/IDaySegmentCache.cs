namespace AskProAI.Caching;

/// <summary>
/// Closed local days of multi-day widgets, cached per (widget, company, local date). A multi-day widget value is
/// the fold of its days' parts (<see cref="IDayPart{TSelf}"/>): the closed days come from here and change only
/// when a write touches that day (<see cref="InvalidateDaysAsync"/>, or <see cref="ApplyDaysAsync"/> which folds the
/// write into the day) or a broad tag (everything, the widget, the company, its data type) is invalidated. Today
/// (and any later day) is cached too on a single node; in distributed mode it is loaded on each computation.
/// The widget's own entry (<c>widget:{name}:{company}:{bucket}</c>) is invalidated as before on every write, so
/// read-your-writes holds; this cache only makes its recomputation cost one day instead of the whole period.
/// </summary>
/// <remarks>
/// The same rules as widget entries (ADR 0002): a part is valid while no stamp that reaches it passed the clock
/// value read when its computation started, and a part computed across an invalidation of its day is returned to
/// its caller but never stored. Days are local dates in the time zone given on each read; a company whose zone
/// changes starts over. In distributed mode, an invalidation of a closed day reaches other instances as the tag
/// <c>widget:day_segments:{company}</c>, on which they drop that company's closed days.
/// </remarks>
public interface IDaySegmentCache
{
    /// <summary>
    /// Returns the parts of the closed days <paramref name="first"/> to <paramref name="last"/> (oldest first),
    /// loading the missing ones: one call of <paramref name="load"/> per run of consecutive missing days, which
    /// returns a part per day that has data (days it leaves out are <see cref="IDayPart{TSelf}.Empty"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    ValueTask<IReadOnlyList<TPart>> GetDaysAsync<TState, TPart>(
        WidgetHandle widget,
        int companyId,
        TimeZoneInfo timeZone,
        DateOnly first,
        DateOnly last,
        TState state,
        Func<TState, DateOnly, DateOnly, CancellationToken, ValueTask<IReadOnlyDictionary<DateOnly, TPart>>> load,
        CancellationToken cancellationToken = default)
        where TPart : class, IDayPart<TPart>;

    /// <summary>
    /// Invalidates the local days (in the company's <paramref name="timeZone"/>) of the given instants: the old and
    /// new times of the rows a write changed. Call it after the write committed and before invalidating the
    /// widget's own entry. Other instances hear of it only when a closed day is touched (today they recompute anyway).
    /// </summary>
    ValueTask InvalidateDaysAsync(
        WidgetHandle widget, int companyId, TimeZoneInfo timeZone, IReadOnlyCollection<DateTimeOffset> instants, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies a committed write's own change to the parts of the days it touches (each <see cref="DayChange{TPart}"/>:
    /// the instant that places the row in a local day, and the step from the day's part before the write to after
    /// it), instead of dropping them: a part whose load returned before <paramref name="ticket"/> cannot contain the
    /// write and is updated; any other part, or one for which the step answers null, is invalidated, as is every
    /// load in flight. Call it after the commit, before the widget's own entry is dropped or updated. On a single
    /// node only; with an L2 or a backplane (and in the Legacy and Disabled modes) it invalidates the days.
    /// </summary>
    /// <returns>Whether no cached part had to be dropped.</returns>
    ValueTask<bool> ApplyDaysAsync<TPart>(
        WidgetHandle widget,
        int companyId,
        TimeZoneInfo timeZone,
        WriteTicket ticket,
        IReadOnlyCollection<DayChange<TPart>> changes,
        CancellationToken cancellationToken = default)
        where TPart : class, IDayPart<TPart>;

    /// <summary>Invalidates every day of the widget for the company (a write whose days are unknown, or that changes every day).</summary>
    ValueTask InvalidateAllDaysAsync(WidgetHandle widget, int companyId, CancellationToken cancellationToken = default);

    /// <summary>Returns counters: days served from the cache, days loaded, loads, days held.</summary>
    DaySegmentStatistics GetStatistics();
}
