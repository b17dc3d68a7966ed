using System.Runtime.CompilerServices;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The stamps of one company (the company tag, its three data types, each of its widgets) and how many things hold
/// them: its entries in L1, its computations in flight, its day segments. The sweep drops a state nobody holds, so
/// memory follows the companies cached, not every company ever seen. A dropped state counts as invalidated for
/// anything still pointing at it (its stamps no longer move), so dropping can never let a stale value through.
/// </summary>
internal sealed class CompanyState(int companyId)
{
    /// <summary>The estimated bytes of a state with one widget stamp, with its dictionary node (counted in the size limit).</summary>
    public const long EstimatedBytes = 136;

    private const int Dropped = -1;

    private long _company;
    private TierStamps _tiers;
    private long[] _widgets = [];
    private int _holders;

    public int CompanyId { get; } = companyId;

    /// <summary>Gets whether the sweep dropped this state: whatever still points at it treats it as invalidated.</summary>
    public bool IsDropped
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _holders) == Dropped;
    }

    internal int Holders => Volatile.Read(ref _holders);

    public long CompanyStamp => Volatile.Read(ref _company);

    public long TierStamp(int tier) => Volatile.Read(ref _tiers[tier]);

    public long WidgetStamp(int widget)
    {
        var stamps = Volatile.Read(ref _widgets);
        return (uint)widget < (uint)stamps.Length ? Volatile.Read(ref stamps[widget]) : 0;
    }

    public void MoveCompany(long stamp) => StampCell.MoveTo(ref _company, stamp);

    public void MoveTier(int tier, long stamp) => StampCell.MoveTo(ref _tiers[tier], stamp);

    /// <summary>Moves a widget's stamp; under the lock that also grows the stamps, so no move is lost to a copy.</summary>
    public void MoveWidget(int widget, long stamp)
    {
        lock (this)
        {
            var stamps = _widgets;
            if ((uint)widget < (uint)stamps.Length)
            {
                StampCell.MoveTo(ref stamps[widget], stamp);
            }
        }
    }

    /// <summary>Makes room for a widget's stamp before a computation of it reads the clock (engine invariant 2).</summary>
    public void EnsureWidget(int widget)
    {
        if (widget < Volatile.Read(ref _widgets).Length)
        {
            return;
        }

        lock (this)
        {
            if (widget >= _widgets.Length)
            {
                var grown = new long[widget + 1];
                _widgets.CopyTo(grown, 0);
                Volatile.Write(ref _widgets, grown);
            }
        }
    }

    /// <summary>Takes a hold on the state, unless the sweep has dropped it (then the caller takes a new state).</summary>
    public bool TryHold()
    {
        while (true)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders == Dropped)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _holders, holders + 1, holders) == holders)
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a hold.</summary>
    /// <returns>Whether nothing holds the state any more.</returns>
    public bool Release()
    {
        // Never below zero: a surplus release must not turn a held state into a dropped-looking one.
        while (true)
        {
            var holders = Volatile.Read(ref _holders);
            if (holders <= 0)
            {
                return holders == 0;
            }

            if (Interlocked.CompareExchange(ref _holders, holders - 1, holders) == holders)
            {
                return holders == 1;
            }
        }
    }

    /// <summary>Marks the state dropped if nothing holds it; from then on nothing can take a hold on it.</summary>
    public bool TryDrop() => Interlocked.CompareExchange(ref _holders, Dropped, 0) == 0;


    [InlineArray(3)]
    private struct TierStamps
    {
        private long _stamp;
    }
}
