using System.Collections.Concurrent;

namespace AskProAI.Caching.Internal;

/// <summary>
/// Closed local days of multi-day widgets (see <see cref="IDaySegmentCache"/>). One <see cref="CompanyDays"/> per
/// (widget, company) under its own lock; never on the hit path of a widget, only when its value is computed.
/// </summary>
internal sealed class DaySegmentCache : IDaySegmentCache, IDisposable
{
    private readonly WidgetCache _cache;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(int Widget, int Company), CompanyDays> _days = new();
    private long _served;
    private long _loaded;
    private long _loads;
    private long _invalidated;
    private long _applied;

    public DaySegmentCache(WidgetCache cache, TimeProvider time)
    {
        _cache = cache;
        _time = time;
        _cache.RemoteInvalidationApplied += OnRemoteInvalidation;
        _cache.OnSweep(Sweep);
    }

    public async ValueTask<IReadOnlyList<TPart>> GetDaysAsync<TState, TPart>(
        WidgetHandle widget,
        int companyId,
        TimeZoneInfo timeZone,
        DateOnly first,
        DateOnly last,
        TState state,
        Func<TState, DateOnly, DateOnly, CancellationToken, ValueTask<IReadOnlyDictionary<DateOnly, TPart>>> load,
        CancellationToken cancellationToken = default)
        where TPart : class, IDayPart<TPart>
    {
        ArgumentNullException.ThrowIfNull(widget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(load);
        if (last < first)
        {
            return [];
        }

        if (widget.ModeFor(companyId) != CacheMode.Optimized)
        {
            // Cache off (Disabled) and the seed design (Legacy) keep no day parts: the whole period comes from the source,
            // so those modes stay the baselines they are compared against.
            var all = await load(state, first, last, cancellationToken);
            Interlocked.Increment(ref _loads);
            Interlocked.Add(ref _loaded, last.DayNumber - first.DayNumber + 1);
            return [.. Enumerable.Range(0, last.DayNumber - first.DayNumber + 1)
                .Select(i => all.TryGetValue(first.AddDays(i), out var p) && p is not null ? p : TPart.Empty)];
        }

        // Registered (with the company's state, held as long as the days are kept) before the clock is read: an
        // invalidation that ticks the clock after this point finds them.
        var days = DaysOf(widget.Index, companyId);
        var version = _cache.ReadSegmentClock();
        var count = last.DayNumber - first.DayNumber + 1;
        var parts = new TPart[count];
        var missing = new List<int>();

        // Today (and later) changes with every write: cached only on a single node, where every write reaches this cache
        // (as a change applied to the day, or its invalidation); other instances would not hear of today's writes.
        var open = _cache.IsDistributed ? LocalDay.Of(_time.GetUtcNow(), timeZone) : DateOnly.MaxValue;
        lock (days)
        {
            days.UseZone(timeZone.Id);
            days.LastReadTicks = _time.GetUtcNow().UtcTicks;
            var floor = Math.Max(_cache.BroadStamp(widget, days.Company), days.AllStamp);
            for (var i = 0; i < count; i++)
            {
                var day = first.AddDays(i);
                if (days.Parts.TryGetValue(day, out var entry) && entry.Part is TPart part && entry.Version >= Math.Max(floor, days.StampOf(day)))
                {
                    parts[i] = part;
                }
                else
                {
                    missing.Add(i);
                }
            }

            days.Forget(first);
        }

        Interlocked.Add(ref _served, count - missing.Count);
        var run = 0;
        while (run < missing.Count)
        {
            var end = run;
            while (end + 1 < missing.Count && missing[end + 1] == missing[end] + 1)
            {
                end++;
            }

            var runFirst = first.AddDays(missing[run]);
            var runLast = first.AddDays(missing[end]);
            var loaded = await load(state, runFirst, runLast, cancellationToken);

            // Read after the load's queries returned: a write that begins later cannot be in these days.
            var loadedClock = _cache.ReadSegmentClock();
            Interlocked.Increment(ref _loads);
            Interlocked.Add(ref _loaded, end - run + 1);
            lock (days)
            {
                // No stale write-back: a day invalidated while it was loaded is returned to this caller (whose own
                // value is discarded by the engine, as the write also invalidated the widget) but not kept.
                var floor = Math.Max(_cache.BroadStamp(widget, days.Company), days.AllStamp);
                var keep = floor <= version && days.Zone == timeZone.Id;
                for (var i = run; i <= end; i++)
                {
                    var day = first.AddDays(missing[i]);
                    var part = loaded.TryGetValue(day, out var p) && p is not null ? p : TPart.Empty;
                    parts[missing[i]] = part;
                    if (keep && day < open && days.StampOf(day) <= version)
                    {
                        days.Parts[day] = new DayEntry(part, version, loadedClock);
                    }
                }
            }

            run = end + 1;
        }

        return parts;
    }

    public ValueTask InvalidateDaysAsync(
        WidgetHandle widget, int companyId, TimeZoneInfo timeZone, IReadOnlyCollection<DateTimeOffset> instants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(widget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(instants);

        // The clock ticks before the days are looked up (as for tags): a computation that registered before read an
        // older clock value; one that registers after reads the database after this write committed.
        var stamp = _cache.TickSegmentClock();
        var now = _time.GetUtcNow();
        var today = LocalDay.Of(now, timeZone);
        var closedDayTouched = false;
        var touched = instants.Select(i => LocalDay.Of(i, timeZone)).Distinct().ToList();
        foreach (var day in touched)
        {
            // Today is recomputed with every value, so other instances need to hear only of closed days; in the last
            // minutes of the day, today may close on their clock before they hear of it: tell them then too.
            closedDayTouched |= day < today || (day == today && LocalDay.End(today, timeZone) - now < ClockSkewMargin);
        }

        if (_days.TryGetValue((widget.Index, companyId), out var days))
        {
            lock (days)
            {
                if (days.Zone == timeZone.Id)
                {
                    foreach (var day in touched)
                    {
                        days.Invalidate(day, stamp);
                    }
                }
                else
                {
                    days.AllStamp = stamp;
                }
            }
        }

        Interlocked.Add(ref _invalidated, touched.Count);
        return closedDayTouched ? TellOthersAsync(companyId, cancellationToken) : ValueTask.CompletedTask;
    }

    public ValueTask InvalidateAllDaysAsync(WidgetHandle widget, int companyId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(widget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        var stamp = _cache.TickSegmentClock();
        if (_days.TryGetValue((widget.Index, companyId), out var days))
        {
            lock (days)
            {
                days.AllStamp = stamp;
            }
        }

        return TellOthersAsync(companyId, cancellationToken);
    }

    public async ValueTask<bool> ApplyDaysAsync<TPart>(
        WidgetHandle widget,
        int companyId,
        TimeZoneInfo timeZone,
        WriteTicket ticket,
        IReadOnlyCollection<DayChange<TPart>> changes,
        CancellationToken cancellationToken = default)
        where TPart : class, IDayPart<TPart>
    {
        ArgumentNullException.ThrowIfNull(widget);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(changes);
        if (_cache.IsDistributed || widget.ModeFor(companyId) != CacheMode.Optimized)
        {
            await InvalidateDaysAsync(widget, companyId, timeZone, [.. changes.Select(c => c.At)], cancellationToken);
            return false;
        }

        // As for an invalidation, the clock ticks first: a load that read an older clock value is not stored; the
        // parts updated here carry the new stamp, so they stay valid.
        var stamp = _cache.TickSegmentClock();
        var all = true;
        var applied = 0;
        if (_days.TryGetValue((widget.Index, companyId), out var days))
        {
            lock (days)
            {
                var floor = Math.Max(_cache.BroadStamp(widget, days.Company), days.AllStamp);
                foreach (var change in changes)
                {
                    var day = LocalDay.Of(change.At, timeZone);
                    TPart? updated = null;
                    DayEntry? entry = null;
                    if (days.Zone == timeZone.Id
                        && days.Parts.TryGetValue(day, out entry)
                        && entry.Part is TPart part
                        && entry.Version >= Math.Max(floor, days.StampOf(day))
                        && entry.EndClock < ticket.Clock)
                    {
                        updated = change.Apply(part);
                    }

                    if (updated is null)
                    {
                        all &= !days.Parts.ContainsKey(day);
                        days.Invalidate(day, stamp);
                        continue;
                    }

                    days.Invalidate(day, stamp);
                    days.Parts[day] = new DayEntry(updated, stamp, entry!.EndClock);
                    applied++;
                }
            }
        }

        // A change applied to its day's part is not an invalidation of that day (the part stays, updated).
        Interlocked.Add(ref _applied, applied);
        Interlocked.Add(ref _invalidated, changes.Count - applied);
        return all;
    }

    public DaySegmentStatistics GetStatistics() => new(
        Interlocked.Read(ref _served),
        Interlocked.Read(ref _loaded),
        Interlocked.Read(ref _loads),
        Interlocked.Read(ref _invalidated),
        _days.Values.Sum(d =>
        {
            lock (d)
            {
                return d.Parts.Count;
            }
        }),
        Interlocked.Read(ref _applied));

    public void Dispose() => _cache.RemoteInvalidationApplied -= OnRemoteInvalidation;

    internal int CompanyCount => _days.Count;

    /// <summary>The days of a widget of a company, made with a hold on the company's state when first read.</summary>
    private CompanyDays DaysOf(int widget, int companyId)
    {
        while (true)
        {
            if (_days.TryGetValue((widget, companyId), out var days) && !days.Company.IsDropped)
            {
                return days;
            }

            if (days is not null)
            {
                // Its state was dropped (it cannot be, while held; defensive): start over with a new one.
                _days.TryRemove(new KeyValuePair<(int, int), CompanyDays>((widget, companyId), days));
                continue;
            }

            var made = new CompanyDays(_cache.HoldSegmentCompany(companyId)) { LastReadTicks = _time.GetUtcNow().UtcTicks };
            if (_days.TryAdd((widget, companyId), made))
            {
                return made;
            }

            _cache.UnholdSegmentCompany(made.Company);
        }
    }

    /// <summary>
    /// Drops the days of companies whose widget is no longer in L1 (evicted by the limits, or expired and swept) and
    /// that were not read for a sweep interval, with their hold on the company's state: day parts live as long as the
    /// widget's entries, so the engine's limits bound them too. From the engine's sweep.
    /// </summary>
    private void Sweep(long nowTicks)
    {
        var idle = _cache.SweepIntervalTicks;
        foreach (var ((widget, company), days) in _days)
        {
            if (nowTicks - Volatile.Read(ref days.LastReadTicks) >= idle && !_cache.HasEntries(widget, company)
                && _days.TryRemove(new KeyValuePair<(int, int), CompanyDays>((widget, company), days)))
            {
                _cache.UnholdSegmentCompany(days.Company);
            }
        }
    }

    /// <summary>How close to local midnight a write of today is also sent to other instances (their clocks may run ahead).</summary>
    private static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(5);

    private async ValueTask TellOthersAsync(int companyId, CancellationToken cancellationToken) =>
        await _cache.InvalidateAsync(CacheTag.CompanyWidget(DaySegments.TagWidgetName, companyId), cancellationToken);

    /// <summary>Another instance changed a closed day of a company: its days are dropped here (which day is not carried).</summary>
    private void OnRemoteInvalidation(CacheTag tag)
    {
        if (tag.Kind != CacheTagKind.CompanyWidget || tag.WidgetName != DaySegments.TagWidgetName)
        {
            return;
        }

        var stamp = _cache.TickSegmentClock();
        foreach (var ((_, company), days) in _days)
        {
            if (company == tag.CompanyId)
            {
                lock (days)
                {
                    days.AllStamp = stamp;
                }
            }
        }
    }

    /// <summary>A day's part: <paramref name="Version"/> is the clock when its load started (or a change was applied),
    /// <paramref name="EndClock"/> the clock when its load returned.</summary>
    private sealed record DayEntry(object Part, long Version, long EndClock);

    /// <summary>The closed days of one widget of one company, and the stamps of their invalidations.</summary>
    private sealed class CompanyDays(CompanyState company)
    {
        private readonly Dictionary<DateOnly, long> _stamps = [];

        /// <summary>When the days were last read (UTC ticks); the sweep keeps days read within a sweep interval.</summary>
        public long LastReadTicks;

        /// <summary>Gets the company's state, held while these days are kept: their validity is read from its stamps.</summary>
        public CompanyState Company { get; } = company;

        public Dictionary<DateOnly, DayEntry> Parts { get; } = [];

        public string? Zone { get; private set; }

        public long AllStamp { get; set; }

        public long StampOf(DateOnly day) => _stamps.TryGetValue(day, out var stamp) ? stamp : 0;

        public void Invalidate(DateOnly day, long stamp)
        {
            _stamps[day] = Math.Max(stamp, StampOf(day));
            Parts.Remove(day);
        }

        /// <summary>Days are keys of one zone: a company whose zone changed starts over.</summary>
        public void UseZone(string zone)
        {
            if (Zone != zone)
            {
                Parts.Clear();
                Zone = zone;
            }
        }

        /// <summary>Drops the days before the period read now: periods only move forward.</summary>
        public void Forget(DateOnly before)
        {
            foreach (var day in Parts.Keys.Where(d => d < before).ToList())
            {
                Parts.Remove(day);
            }

            // A stamp is needed only while a computation that started before it may still store its day: keep a week.
            foreach (var day in _stamps.Keys.Where(d => d < before.AddDays(-7)).ToList())
            {
                _stamps.Remove(day);
            }
        }
    }
}
