using AskProAI.Caching;
using AskProAI.Data;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary><c>live_calls</c> (live): calls ongoing now and calls started in the last 15 minutes, per branch.</summary>
internal sealed class LiveCallsWidget(IDbContextFactory<AskProDbContext> dbFactory, TimeProvider time, ILogger<LiveCallsWidget> logger)
    : DashboardWidget<LiveCallsWidget, LiveCalls>(dbFactory, time, logger), IWidgetDefinition
{
    /// <summary>The service's hit path, compiled for this widget's exact types (see <see cref="DashboardWidget{TSelf, TValue}.GetAsync"/>).</summary>
    public override ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    /// <summary>The window of "recent" calls.</summary>
    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a call may be ongoing and still count as live. A call whose end was never recorded (a lost webhook, an
    /// import) would otherwise count as live forever; no phone call of this product lasts four hours, and the write API
    /// refuses to create an ongoing call that started before this horizon.
    /// </summary>
    public static readonly TimeSpan OngoingHorizon = TimeSpan.FromHours(4);

    /// <summary>
    /// How far after the value's instant a call's start may lie and still count: the sender's clock may run ahead of
    /// ours by as much as the write API accepts (<see cref="Calls.WriteValidation.ClockSkew"/>). A call the telephony
    /// reports as started is shown at once, by every path alike (a computation, a write applied, a value rolled forward).
    /// </summary>
    public static readonly TimeSpan StartTolerance = Calls.WriteValidation.ClockSkew;

    /// <summary>Whether a call in the ongoing state, started at <paramref name="startedAt"/>, is live at <paramref name="now"/>.</summary>
    public static bool IsLive(DateTimeOffset startedAt, DateTimeOffset now) => startedAt > now - OngoingHorizon && startedAt <= now;

    /// <summary>
    /// How long a value may be rolled forward from minute to minute without reading the database (ADR 0017). Writes made
    /// through the service reach a rolled value at once (applied or invalidated, ADR 0015); this bounds how long a change
    /// made behind the service's back (a manual fix in the database) can go unseen by the live widget.
    /// </summary>
    public static readonly TimeSpan SourceRereadAfter = TimeSpan.FromMinutes(5);

    public static WidgetDefinition Definition { get; } = new("live_calls", WidgetTier.Live, [typeof(Call), typeof(Branch)])
    {
        ApplyChange = static (value, row) => Apply((LiveCalls)value, row),
    };

    /// <summary>
    /// A changed call applied to a cached value: the old call taken out (an end, an edit, a delete: ADR 0022), the new
    /// one put in (ADR 0015); an ending call leaves the ongoing count. Null when either step cannot tell.
    /// </summary>
    internal static LiveCalls? Apply(LiveCalls value, Invalidation.ChangedRow row)
    {
        LiveCalls? result = value;
        if (row.Before is not null)
        {
            result = row.Before is Call old ? Without(value, old) : null;
        }

        if (result is not null && row.After is not null)
        {
            result = row.After is Call call ? Apply(result, call) : null;
        }

        return result;
    }

    /// <summary>
    /// The value without a call it counted as it was before a write: out of the ongoing count when it was ongoing and
    /// live, out of the 15-minute count when recent, by the value's own windows (the same rule that counted it, in a
    /// computation, an applied insert or a roll forward). Null when the value cannot hold it: a start further ahead
    /// than the tolerance (never counted, never applied), an unknown branch, a start the value does not keep.
    /// </summary>
    internal static LiveCalls? Without(LiveCalls value, Call call)
    {
        if (Place(value, call) is not { } place)
        {
            return null;
        }

        var (startedAt, ongoing, recent, index) = place;
        if (ongoing + recent == 0)
        {
            return value;
        }

        var branch = value.Branches[index];
        if (branch.Ongoing < ongoing || branch.CallsLast15Minutes < recent)
        {
            return null;
        }

        var ongoingStarts = branch.OngoingStarts;
        var recentStarts = branch.RecentStarts;
        if ((ongoing == 1 && !TryRemove(ref ongoingStarts, startedAt.UtcTicks)) || (recent == 1 && !TryRemove(ref recentStarts, startedAt.UtcTicks)))
        {
            return null;
        }

        var branches = value.Branches.ToArray();
        branches[index] = branch with
        {
            Ongoing = branch.Ongoing - ongoing,
            CallsLast15Minutes = branch.CallsLast15Minutes - recent,
            OngoingStarts = ongoingStarts,
            RecentStarts = recentStarts,
        };
        return value with { Ongoing = value.Ongoing - ongoing, CallsLast15Minutes = value.CallsLast15Minutes - recent, Branches = branches };

        // One occurrence of the start out of the kept starts; a value without starts (from L2) has nothing to keep.
        static bool TryRemove(ref long[]? starts, long start)
        {
            if (starts is null)
            {
                return true;
            }

            // Within a microsecond: PostgreSQL keeps microseconds, so a start read back from it (the old row) may be up to
            // 9 ticks off the start an applied insert kept.
            var at = Array.FindIndex(starts, s => Math.Abs(s - start) < 10);
            if (at < 0)
            {
                return false;
            }

            starts = [.. starts.AsSpan(0, at), .. starts.AsSpan(at + 1)];
            return true;
        }
    }

    /// <summary>
    /// Where a call counts in a value, by the value's own windows: its start, whether it is ongoing and live (0/1), in the
    /// last 15 minutes (0/1), and its branch's index (-1 when it counts nowhere). A write after the value was computed may
    /// start after its AsOf: the value counts it as a computation would, up to StartTolerance ahead. Null when the value
    /// cannot hold it: a start further ahead (a sender's clock far ahead of an older value), or a branch it does not list.
    /// </summary>
    private static (DateTimeOffset StartedAt, int Ongoing, int Recent, int Index)? Place(LiveCalls value, Call call)
    {
        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(call.StartedAt, DateTimeKind.Utc));
        if (startedAt > value.AsOf + StartTolerance)
        {
            return null;
        }

        var ongoing = call.Status == CallStatus.Ongoing && startedAt > value.AsOf - OngoingHorizon ? 1 : 0;
        var recent = startedAt > value.AsOf - RecentWindow ? 1 : 0;
        if (ongoing + recent == 0)
        {
            return (startedAt, 0, 0, -1);
        }

        var index = IndexOf(value, call.BranchId);
        return index < 0 ? null : (startedAt, ongoing, recent, index);
    }

    private static int IndexOf(LiveCalls value, int branchId)
    {
        for (var i = 0; i < value.Branches.Count; i++)
        {
            if (value.Branches[i].BranchId == branchId)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// A call added to a cached value (a new one, ADR 0015, or an updated one's new state, ADR 0022): counted as ongoing when it is live and in the last 15 minutes by
    /// the value's own windows, and its start kept for rolling forward; a call of a branch the value does not list is
    /// refused (the value is computed again).
    /// </summary>
    internal static LiveCalls? Apply(LiveCalls value, Call call)
    {
        if (Place(value, call) is not { } place)
        {
            return null;
        }

        var (startedAt, ongoing, recent, index) = place;
        if (ongoing + recent == 0)
        {
            return value;
        }

        var branches = value.Branches.ToArray();
        var branch = branches[index];
        branches[index] = branch with
        {
            Ongoing = branch.Ongoing + ongoing,
            CallsLast15Minutes = branch.CallsLast15Minutes + recent,
            OngoingStarts = ongoing == 1 ? With(branch.OngoingStarts, startedAt.UtcTicks) : branch.OngoingStarts,
            RecentStarts = recent == 1 ? With(branch.RecentStarts, startedAt.UtcTicks) : branch.RecentStarts,
        };
        return value with { Ongoing = value.Ongoing + ongoing, CallsLast15Minutes = value.CallsLast15Minutes + recent, Branches = branches };

        static long[]? With(long[]? starts, long start) => starts is null ? null : [.. starts, start];
    }

    /// <summary>
    /// The value at <paramref name="at"/> from a value for an earlier minute, without a query (ADR 0017): the value keeps
    /// the start of every call that can still count (started in its last 15 minutes, or ongoing within the horizon,
    /// later starts included), so the figures at a later instant are those starts filtered by that instant's windows:
    /// what <see cref="ComputeAsync"/> would count at that instant, as long as no call changed in between (a change either reached the
    /// value or invalidated it). Null when the value has no starts (read back from L2, which does not carry them), when
    /// its starts were read from the database <see cref="SourceRereadAfter"/> or more before, or for an earlier instant.
    /// </summary>
    protected override LiveCalls? RollForward(LiveCalls previous, DateTimeOffset at)
    {
        if (previous.ReadAt is not { } readAt || at < previous.AsOf || at - readAt >= SourceRereadAfter)
        {
            return null;
        }

        var recentAfter = (at - RecentWindow).UtcTicks;
        var liveAfter = (at - OngoingHorizon).UtcTicks;
        var until = (at + StartTolerance).UtcTicks;
        var branches = new LiveBranch[previous.Branches.Count];
        for (var i = 0; i < branches.Length; i++)
        {
            var branch = previous.Branches[i];
            if (branch.RecentStarts is not { } recentStarts || branch.OngoingStarts is not { } ongoingStarts)
            {
                return null;
            }

            var recent = Array.FindAll(recentStarts, s => s > recentAfter);
            var ongoing = Array.FindAll(ongoingStarts, s => s > liveAfter);
            branches[i] = branch with
            {
                Ongoing = CountUntil(ongoing, until),
                CallsLast15Minutes = CountUntil(recent, until),
                RecentStarts = recent,
                OngoingStarts = ongoing,
            };
        }

        return new LiveCalls(at, branches.Sum(b => b.Ongoing), branches.Sum(b => b.CallsLast15Minutes), branches) { ReadAt = readAt };
    }

    protected override async Task<LiveCalls> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var to = (now + StartTolerance).UtcDateTime;
        var since = (now - RecentWindow).UtcDateTime;
        var liveSince = (now - OngoingHorizon).UtcDateTime;

        // One query: every branch, left-joined with the starts that can still count, read as two narrow index range
        // reads put together with UNION ALL: calls started in the last 15 minutes (through (CompanyId, StartedAt)) and
        // older calls still ongoing within the horizon (through (CompanyId, Status, StartedAt)). Never one OR over the
        // company's history: "Status = Ongoing OR StartedAt > since" made SQLite walk every call of the company (87-104 ms
        // against 0.02-0.06 ms per range read on the demo data). Later starts are read too (none lie further ahead than
        // the write API allows): a rolled value counts them once the tolerance reaches them.
        var recentCalls = db.Calls
            .Where(c => c.CompanyId == companyId && c.StartedAt > since)
            .Select(c => new { c.BranchId, c.StartedAt, c.Status });
        var olderOngoing = db.Calls
            .Where(c => c.CompanyId == companyId && c.Status == CallStatus.Ongoing && c.StartedAt > liveSince && c.StartedAt <= since)
            .Select(c => new { c.BranchId, c.StartedAt, c.Status });
        var rows = await (
                from b in db.Branches.AsNoTracking()
                where b.CompanyId == companyId
                join c in recentCalls.Concat(olderOngoing) on b.Id equals c.BranchId into starts
                from c in starts.DefaultIfEmpty()
                select new { b.Id, b.Name, StartedAt = (DateTime?)c.StartedAt, Status = (CallStatus?)c.Status })
            .ToListAsync(cancellationToken);

        // Sorted here, not by ORDER BY: that follows the database's collation (bytes on SQLite, the locale on PostgreSQL).
        var perBranch = rows
            .GroupBy(r => (r.Id, r.Name))
            .OrderBy(g => g.Key.Name, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Id)
            .Select(g =>
            {
                var starts = g.Where(r => r.StartedAt is not null).ToArray();
                long[] recentStarts = [.. starts.Where(r => r.StartedAt > since).Select(r => Ticks(r.StartedAt!.Value))];
                long[] ongoingStarts = [.. starts.Where(r => r.Status == CallStatus.Ongoing).Select(r => Ticks(r.StartedAt!.Value))];
                return new LiveBranch(g.Key.Id, g.Key.Name, CountUntil(ongoingStarts, to.Ticks), CountUntil(recentStarts, to.Ticks))
                {
                    RecentStarts = recentStarts,
                    OngoingStarts = ongoingStarts,
                };
            })
            .ToArray();
        return new LiveCalls(now, perBranch.Sum(b => b.Ongoing), perBranch.Sum(b => b.CallsLast15Minutes), perBranch) { ReadAt = now };

        static long Ticks(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Utc).Ticks;
    }

    private static int CountUntil(long[] starts, long until)
    {
        var count = 0;
        foreach (var start in starts)
        {
            if (start <= until)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>The <c>live_calls</c> value.</summary>
/// <param name="AsOf">The instant the figures are for.</param>
/// <param name="Ongoing">Calls in progress (started within <see cref="LiveCallsWidget.OngoingHorizon"/>).</param>
/// <param name="CallsLast15Minutes">Calls started in the last 15 minutes.</param>
/// <param name="Branches">Every branch of the company, by name in ordinal order (never the database's collation).</param>
internal sealed record LiveCalls(DateTimeOffset AsOf, int Ongoing, int CallsLast15Minutes, IReadOnlyList<LiveBranch> Branches)
{
    /// <summary>
    /// Gets when the starts behind the figures were last read from the database (a rolled value keeps its source's);
    /// null for a value read back from L2, which carries no starts. Not part of the widget's JSON.
    /// </summary>
    [JsonIgnore]
    public DateTimeOffset? ReadAt { get; init; }
}

/// <summary>Live figures of one branch.</summary>
/// <param name="BranchId">The branch id.</param>
/// <param name="Name">The branch name.</param>
/// <param name="Ongoing">Calls in progress.</param>
/// <param name="CallsLast15Minutes">Calls started in the last 15 minutes.</param>
internal sealed record LiveBranch(int BranchId, string Name, int Ongoing, int CallsLast15Minutes)
{
    /// <summary>Gets the UTC ticks of the starts of the branch's calls started after the value's 15-minute window opened (later starts included); not in the JSON.</summary>
    [JsonIgnore]
    public long[]? RecentStarts { get; init; }

    /// <summary>Gets the UTC ticks of the starts of the branch's ongoing calls within the live horizon (later starts included); not in the JSON.</summary>
    [JsonIgnore]
    public long[]? OngoingStarts { get; init; }
}
