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
        var tier = (int)entry.Widget.Tier;
        return _allStamp.Value <= v
            && _tierStamps[tier].Value <= v
            && entry.Widget.Stamp.Value <= v
            && entry.Company.Company.Value <= v
            && entry.Company.Tiers[tier].Value <= v
            && entry.CompanyWidget.Value <= v;
    }

    /// <summary>The newest invalidation among the tags of a widget of a company.</summary>
    private long CurrentStamp(WidgetHandle widget, CompanyState company, StampCell companyWidget)
    {
        var tier = (int)widget.Tier;
        return Math.Max(
            Math.Max(Math.Max(_allStamp.Value, _tierStamps[tier].Value), widget.Stamp.Value),
            Math.Max(Math.Max(company.Company.Value, company.Tiers[tier].Value), companyWidget.Value));
    }

    private CompanyState CompanyOf(int companyId) => _companies.GetOrAdd(companyId, static _ => new CompanyState());

    private static StampCell CellOf(CompanyState company, WidgetHandle widget) =>
        company.Widgets.GetOrAdd(widget.Index, static _ => new StampCell());

    /// <summary>Reads the clock for a computation that starts now; everything invalidated later invalidates its value.</summary>
    private long ReadClock() => Interlocked.Read(ref _clock);

    /// <summary>Moves the stamp of a tag in this process only (also used for invalidations heard from other instances).</summary>
    internal string InvalidateLocal(CacheTag tag)
    {
        // The clock ticks before the stamp is looked up: a computation that registered its company before this
        // point read an older clock value and is therefore invalidated; one that did not started after the tick.
        return MoveStampAndTick(tag, Interlocked.Increment(ref _clock));
    }

    /// <summary>Moves a tag's stamp to a clock value already ticked for it, then ticks again.</summary>
    private string MoveStampAndTick(CacheTag tag, long stamp)
    {
        Interlocked.Increment(ref _invalidations);
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
                    company.Company.MoveTo(stamp);
                }

                return $"every widget of company {tag.CompanyId}";
            case CacheTagKind.CompanyDataType:
                if (_companies.TryGetValue(tag.CompanyId, out company))
                {
                    company.Tiers[(int)tag.Tier].MoveTo(stamp);
                }

                return $"{tag.Tier.Name()} widgets of company {tag.CompanyId}";
            case CacheTagKind.Widget:
                if (TryGetWidget(tag.WidgetName!, out var widget))
                {
                    widget.Stamp.MoveTo(stamp);
                }

                return $"widget {tag.WidgetName} of every company";
            case CacheTagKind.CompanyWidget:
                if (TryGetWidget(tag.WidgetName!, out widget)
                    && _companies.TryGetValue(tag.CompanyId, out company)
                    && company.Widgets.TryGetValue(widget.Index, out var cell))
                {
                    cell.MoveTo(stamp);
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
