using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>
/// Tags as timestamps of a logical clock. An invalidation ticks the clock and moves one stamp: O(1) whatever
/// the number of entries. An entry is valid while none of its six stamps passed the clock value read when its
/// computation started, so a value computed across an invalidation is never served as fresh.
/// </summary>
internal sealed partial class WidgetCache
{
    private readonly StampCell _allStamp = new();
    private readonly StampCell[] _tierStamps = [new(), new(), new()];
    private readonly ConcurrentDictionary<int, CompanyState> _companies = new();
    private long _clock;
    private long _invalidations;
    private long _appliedChanges;

    /// <summary>
    /// Whether an entry may be served. While the logical clock has not moved since the entry was last found
    /// valid, no tag can have been invalidated, so the stamps need not be read at all.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsValid(CacheEntry entry)
    {
        var clock = Volatile.Read(ref _clock);
        return entry.CheckedAt == clock || Revalidate(entry, clock);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Revalidate(CacheEntry entry, long clock)
    {
        if (!StampsAllow(entry))
        {
            return false;
        }

        entry.CheckedAt = clock;
        return true;
    }

    private bool StampsAllow(CacheEntry entry)
    {
        var v = entry.Version;
        var widget = entry.Widget;
        var tier = (int)widget.Tier;
        var company = entry.Company;
        return _allStamp.Value <= v
            && _tierStamps[tier].Value <= v
            && widget.Stamp.Value <= v
            && company.CompanyStamp <= v
            && company.TierStamp(tier) <= v
            && company.WidgetStamp(widget.Index) <= v
            && !company.IsDropped;
    }

    /// <summary>
    /// The newest invalidation among the tags of a widget of a company; long.MaxValue once the company's state was
    /// dropped (its stamps no longer move, so whatever points at it counts as invalidated).
    /// </summary>
    private long CurrentStamp(WidgetHandle widget, CompanyState company)
    {
        var tier = (int)widget.Tier;
        var stamp = Math.Max(
            Math.Max(Math.Max(_allStamp.Value, _tierStamps[tier].Value), widget.Stamp.Value),
            Math.Max(Math.Max(company.CompanyStamp, company.TierStamp(tier)), company.WidgetStamp(widget.Index)));
        return company.IsDropped ? long.MaxValue : stamp;
    }

    /// <summary>
    /// Takes a hold on a company's state, making it if needed (counted in the size limit). Every hold is released
    /// (<see cref="CompanyState.Release"/>) when what took it ends; the sweep drops a state nobody holds.
    /// </summary>
    private CompanyState HoldCompany(int companyId)
    {
        while (true)
        {
            if (_companies.TryGetValue(companyId, out var company))
            {
                if (company.TryHold())
                {
                    return company;
                }

                // Dropped but not yet removed: help remove it and make a new one.
                if (_companies.TryRemove(new KeyValuePair<int, CompanyState>(companyId, company)))
                {
                    Interlocked.Add(ref _bytes, -CompanyState.EstimatedBytes);
                }

                continue;
            }

            company = new CompanyState(companyId);
            company.TryHold();
            if (_companies.TryAdd(companyId, company))
            {
                Interlocked.Add(ref _bytes, CompanyState.EstimatedBytes);
                return company;
            }
        }
    }

    /// <summary>Gives back a hold on a company's state; the last one drops the state (no entry, no computation holds it).</summary>
    private void Unhold(CompanyState company)
    {
        if (company.Release())
        {
            TryDrop(company);
        }
    }

    /// <summary>Gives back a computation's hold on its company's state, once.</summary>
    private void EndHold(Flight flight)
    {
        if (flight.ClaimRelease())
        {
            Unhold(flight.Company);
        }
    }

    private void TryDrop(CompanyState company)
    {
        if (company.TryDrop() && _companies.TryRemove(new KeyValuePair<int, CompanyState>(company.CompanyId, company)))
        {
            Interlocked.Add(ref _bytes, -CompanyState.EstimatedBytes);
        }
    }

    /// <summary>Drops the states nothing holds that a release did not drop (a race with a new hold); from the sweep.</summary>
    private void DropIdleCompanies()
    {
        foreach (var (_, company) in _companies)
        {
            if (company.Holders == 0)
            {
                TryDrop(company);
            }
        }
    }

    internal int CompanyCount => _companies.Count;

    /// <summary>Reads the clock for a computation that starts now; everything invalidated later invalidates its value.</summary>
    private long ReadClock() => Interlocked.Read(ref _clock);

    /// <summary>Moves the stamp of a tag in this process only (also used for invalidations heard from other instances).</summary>
    internal string InvalidateLocal(CacheTag tag)
    {
        // The clock ticks before the stamp is looked up: a computation that registered its company before this
        // point read an older clock value and is therefore invalidated; one that did not started after the tick.
        Interlocked.Increment(ref _invalidations);
        return MoveStampAndTick(tag, Interlocked.Increment(ref _clock));
    }

    /// <summary>Moves a tag's stamp to a clock value already ticked for it, then ticks again (the caller counts it).</summary>
    private string MoveStampAndTick(CacheTag tag, long stamp)
    {
        try
        {
            return MoveStamp(tag, stamp);
        }
        finally
        {
            // A second tick after the stamp moved: entries found valid before it must be checked again.
            Interlocked.Increment(ref _clock);
        }
    }

    private string MoveStamp(CacheTag tag, long stamp)
    {
        switch (tag.Kind)
        {
            case CacheTagKind.All:
                _allStamp.MoveTo(stamp);
                return "every widget of every company";
            case CacheTagKind.DataType:
                _tierStamps[(int)tag.Tier].MoveTo(stamp);
                return $"{tag.Tier.Name()} widgets of every company";
            case CacheTagKind.Company:
                if (_companies.TryGetValue(tag.CompanyId, out var company))
                {
                    company.MoveCompany(stamp);
                }

                return $"every widget of company {tag.CompanyId}";
            case CacheTagKind.CompanyDataType:
                if (_companies.TryGetValue(tag.CompanyId, out company))
                {
                    company.MoveTier((int)tag.Tier, stamp);
                }

                return $"{tag.Tier.Name()} widgets of company {tag.CompanyId}";
            case CacheTagKind.Widget:
                if (TryGetWidget(tag.WidgetName!, out var widget))
                {
                    widget.Stamp.MoveTo(stamp);
                }

                return $"widget {tag.WidgetName} of every company";
            case CacheTagKind.CompanyWidget:
                if (TryGetWidget(tag.WidgetName!, out widget) && _companies.TryGetValue(tag.CompanyId, out company))
                {
                    company.MoveWidget(widget.Index, stamp);
                }

                return $"widget {tag.WidgetName} of company {tag.CompanyId}";
            default:
                throw new ArgumentOutOfRangeException(nameof(tag));
        }
    }

    /// <summary>The tag strings of an entry, as stored in L2.</summary>
    private static string[] TagStringsOf(WidgetHandle widget, int companyId) =>
        Array.ConvertAll(CacheTag.TagsOf(widget.Name, widget.Tier, companyId), t => t.ToString());
}
