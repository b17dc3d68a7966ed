namespace AskProAI.Caching.Internal;

/// <summary>What the day segment cache reads of the engine: its clock, a widget's broad stamps and its company states.</summary>
internal sealed partial class WidgetCache
{
    private Action<long>? _sweepSegments;

    /// <summary>Reads the clock for a day computation that starts now (after its company's segments are registered).</summary>
    internal long ReadSegmentClock() => ReadClock();

    /// <summary>Ticks the clock for a day invalidation; the returned value is the invalidation's stamp.</summary>
    internal long TickSegmentClock() => Interlocked.Increment(ref _clock);

    /// <summary>
    /// Takes a hold on a company's state for a company's day segments: their validity is read from its stamps, so the
    /// state must live as long as they do. Taken before the clock is read (engine invariant 2).
    /// </summary>
    internal CompanyState HoldSegmentCompany(int companyId) => HoldCompany(companyId);

    /// <summary>Gives back a hold taken by <see cref="HoldSegmentCompany"/>.</summary>
    internal void UnholdSegmentCompany(CompanyState company) => Unhold(company);

    /// <summary>
    /// The newest invalidation among the broad tags of a widget of a company: everything, its data type, the widget,
    /// the company and the company's data type. Not <c>widget:{name}:{company}</c>: that one every write moves, for
    /// the widget's own entry. long.MaxValue once the company's state was dropped (nothing it guarded is valid).
    /// </summary>
    internal long BroadStamp(WidgetHandle widget, CompanyState company)
    {
        var tier = (int)widget.Tier;
        var stamp = Math.Max(Math.Max(_allStamp.Value, _tierStamps[tier].Value), widget.Stamp.Value);
        stamp = Math.Max(stamp, Math.Max(company.CompanyStamp, company.TierStamp(tier)));
        return company.IsDropped ? long.MaxValue : stamp;
    }

    /// <summary>Whether L1 holds an entry of the widget for the company in the buckets around now (previous to next).</summary>
    internal bool HasEntries(int widget, int companyId)
    {
        var bucket = BucketOf(Volatile.Read(ref _widgets)[widget].Tier, _now.UtcTicks);
        for (var b = bucket - 1; b <= bucket + 1; b++)
        {
            if (_entries.ContainsKey(new EntryKey(widget, companyId, b)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Has the sweep also drop the day segments of companies no longer cached.</summary>
    internal void OnSweep(Action<long> sweepSegments) => _sweepSegments = sweepSegments;

    internal long SweepIntervalTicks => _options.SweepInterval.Ticks;

    /// <summary>Whether other instances share values (an L2 or a backplane): writes are then not applied to values in place.</summary>
    internal bool IsDistributed => _store is not null || _backplane is not null;
}
