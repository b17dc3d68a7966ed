namespace AskProAI.Caching.Internal;

/// <summary>What the day segment cache needs of the engine: its logical clock and the broad stamps of a widget.</summary>
internal sealed partial class WidgetCache
{
    /// <summary>Reads the clock for a day computation that starts now (after its company's segments are registered).</summary>
    internal long ReadSegmentClock() => ReadClock();

    /// <summary>Ticks the clock for a day invalidation; the returned value is the invalidation's stamp.</summary>
    internal long TickSegmentClock() => Interlocked.Increment(ref _clock);

    /// <summary>
    /// The newest invalidation among the broad tags of a widget of a company: everything, its data type, the widget,
    /// the company and the company's data type. Not <c>widget:{name}:{company}</c>: that one every write moves, for
    /// the widget's own entry.
    /// </summary>
    internal long BroadStamp(WidgetHandle widget, int companyId)
    {
        var tier = (int)widget.Tier;
        // The company's stamps are registered here, before the caller reads the clock: a company invalidation racing
        // with a day computation then finds them (engine invariant 2).
        var company = CompanyOf(companyId);
        var stamp = Math.Max(Math.Max(_allStamp.Value, _tierStamps[tier].Value), widget.Stamp.Value);
        return Math.Max(stamp, Math.Max(company.Company.Value, company.Tiers[tier].Value));
    }

    /// <summary>Whether other instances share values (an L2 or a backplane): writes are then not applied to values in place.</summary>
    internal bool IsDistributed => _store is not null || _backplane is not null;
}
