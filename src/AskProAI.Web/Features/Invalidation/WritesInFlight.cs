namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// The writes of each company between their ticket (before the save) and the end of their apply or invalidation
/// (ADR 0022). An update's change is "take the old row out, put the new one in": it is right only for a value that
/// holds the old row, i.e. one that every earlier write of the row has reached. A write that read a row after another
/// write committed it took its ticket later, but its apply may run first; so an update or delete is applied only
/// when no write of its company with an earlier ticket is still in flight, and invalidates otherwise. Inserts never
/// wait on this: an inserted row is in no earlier state.
/// </summary>
/// <remarks>
/// A registration whose context was dropped without commit, rollback or failure (a transaction disposed unfinished)
/// is never released; one older than <see cref="Abandoned"/> is ignored, so such a leak costs at most that long of
/// invalidations instead of applied updates for its company.
/// </remarks>
internal sealed class WritesInFlight(TimeProvider time)
{
    /// <summary>How long a write may stay registered before it is taken for abandoned (far beyond any command timeout).</summary>
    public static readonly TimeSpan Abandoned = TimeSpan.FromMinutes(2);

    private readonly Dictionary<int, List<(long Ticket, long Since)>> _companies = [];

    /// <summary>Registers a write of the companies with its ticket.</summary>
    public void Begin(IEnumerable<int> companies, long ticket)
    {
        var since = time.GetTimestamp();
        lock (_companies)
        {
            foreach (var companyId in companies)
            {
                if (!_companies.TryGetValue(companyId, out var list))
                {
                    _companies[companyId] = list = [];
                }

                list.Add((ticket, since));
            }
        }
    }

    /// <summary>Whether a write of the company with a ticket before <paramref name="ticket"/> is still in flight.</summary>
    public bool EarlierInFlight(int companyId, long ticket)
    {
        var now = time.GetTimestamp();
        lock (_companies)
        {
            return _companies.TryGetValue(companyId, out var list)
                && list.Exists(w => w.Ticket < ticket && time.GetElapsedTime(w.Since, now) < Abandoned);
        }
    }

    /// <summary>The write is over (applied, invalidated, failed or rolled back).</summary>
    public void End(IEnumerable<int> companies, long ticket)
    {
        lock (_companies)
        {
            foreach (var companyId in companies)
            {
                if (_companies.TryGetValue(companyId, out var list))
                {
                    list.RemoveAll(w => w.Ticket == ticket);
                    if (list.Count == 0)
                    {
                        _companies.Remove(companyId);
                    }
                }
            }
        }
    }
}
