using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary><c>recent_calls</c> (statistics): the latest 20 calls with customer, branch, duration and outcome.</summary>
internal sealed class RecentCallsWidget(IDbContextFactory<AskProDbContext> dbFactory, TimeProvider time, ILogger<RecentCallsWidget> logger)
    : DashboardWidget<RecentCallsWidget, RecentCalls>(dbFactory, time, logger), IWidgetDefinition
{
    /// <summary>The service's hit path, compiled for this widget's exact types (see <see cref="DashboardWidget{TSelf, TValue}.GetAsync"/>).</summary>
    public override ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    /// <summary>How many calls the widget lists.</summary>
    public const int Count = 20;

    public static WidgetDefinition Definition { get; } =
        new("recent_calls", WidgetTier.Statistics, [typeof(Call), typeof(Customer), typeof(Branch)])
        {
            ApplyChange = static (value, row) => row switch
            {
                { Before: null, After: Call call } => Apply((RecentCalls)value, call),
                { Before: Call old } when row.After is null or Call => Update((RecentCalls)value, old, row.After as Call),
                _ => null,
            },
        };

    /// <summary>
    /// An updated or deleted call applied to a cached list (ADR 0022): a listed call is taken out and its new state put
    /// in its place (an end: status, outcome and duration change in place); a call not listed is put in like a new one
    /// when it now ranks among the latest. Null when the list cannot tell: a full list that loses a call (the next one
    /// is not known), an old call missing from where it ranks, a name not known, a list without its instant (from L2).
    /// </summary>
    internal static RecentCalls? Update(RecentCalls value, Call old, Call? call)
    {
        if (value.AsOf is not { } asOf)
        {
            return null;
        }

        var calls = value.Calls;
        var index = -1;
        for (var i = 0; i < calls.Count; i++)
        {
            if (calls[i].Id == old.Id)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            // Not listed: it must rank after the last listed call of a full list (else the list does not match the rows).
            var oldStart = new DateTimeOffset(DateTime.SpecifyKind(old.StartedAt, DateTimeKind.Utc));
            if (calls.Count < Count || RanksBefore(oldStart, old.Id, calls[^1]))
            {
                return null;
            }

            return call is null ? value : Apply(value, call);
        }

        var listed = calls[index];
        var list = calls.ToList();
        list.RemoveAt(index);
        if (call is null)
        {
            return calls.Count < Count ? value with { Calls = list } : null;
        }

        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(call.StartedAt, DateTimeKind.Utc));
        var position = 0;
        if (call.StartedAt == old.StartedAt)
        {
            // Same start, same id: the same rank (an end, an analysis change the item in place).
            position = index;
        }
        else
        {
            while (position < list.Count && !RanksBefore(startedAt, call.Id, list[position]))
            {
                position++;
            }
        }

        if (position == list.Count && calls.Count >= Count && call.StartedAt != old.StartedAt)
        {
            // Now last of a full list: a call not listed may rank before it.
            return null;
        }

        var branchName = call.BranchId == listed.BranchId ? listed.BranchName : call.Branch?.Name ?? calls.FirstOrDefault(c => c.BranchId == call.BranchId)?.BranchName;
        string? customerName = null;
        if (call.CustomerId is { } customerId)
        {
            customerName = customerId == listed.CustomerId ? listed.CustomerName : call.Customer?.Name ?? calls.FirstOrDefault(c => c.CustomerId == customerId)?.CustomerName;
            if (customerName is null)
            {
                return null;
            }
        }

        if (branchName is null)
        {
            return null;
        }

        // "In progress" or "no end recorded" as of the list's instant, as its computation decided.
        var live = startedAt > asOf - LiveCallsWidget.OngoingHorizon;
        list.Insert(position, ToRecentCall(call.Id, startedAt, call.Direction, call.Status, call.AppointmentBooked, call.DurationSeconds, call.CustomerId, customerName, call.BranchId, branchName, call.Sentiment, live));
        return value with { Calls = list };
    }

    /// <summary>Whether a call (start, id) comes before a listed one: newest first, the higher id first at the same instant.</summary>
    private static bool RanksBefore(DateTimeOffset startedAt, long id, RecentCall listed) =>
        startedAt > listed.StartedAt || (startedAt == listed.StartedAt && id > listed.Id);

    /// <summary>
    /// A new call put in its place in a cached list (ADR 0015), newest first and at most <see cref="Count"/>. The
    /// names come from the call's loaded branch and customer, or from calls of the list with the same ids; when one
    /// is unknown the change is refused (the list is read again).
    /// </summary>
    internal static RecentCalls? Apply(RecentCalls value, Call call)
    {
        var startedAt = new DateTimeOffset(DateTime.SpecifyKind(call.StartedAt, DateTimeKind.Utc));
        var calls = value.Calls;
        var position = 0;
        while (position < calls.Count && (calls[position].StartedAt > startedAt || (calls[position].StartedAt == startedAt && calls[position].Id > call.Id)))
        {
            position++;
        }

        if (position >= Count)
        {
            return value;
        }

        var branchName = call.Branch?.Name ?? calls.FirstOrDefault(c => c.BranchId == call.BranchId)?.BranchName;
        string? customerName = null;
        if (call.CustomerId is { } customerId)
        {
            customerName = call.Customer?.Name ?? calls.FirstOrDefault(c => c.CustomerId == customerId)?.CustomerName;
            if (customerName is null)
            {
                return null;
            }
        }

        if (branchName is null)
        {
            return null;
        }

        var list = calls.ToList();
        list.Insert(position, ToRecentCall(call.Id, startedAt, call.Direction, call.Status, call.AppointmentBooked, call.DurationSeconds, call.CustomerId, customerName, call.BranchId, branchName, call.Sentiment, live: true));
        if (list.Count > Count)
        {
            list.RemoveAt(list.Count - 1);
        }

        return value with { Calls = list };
    }

    private static RecentCall ToRecentCall(
        long id, DateTimeOffset startedAt, CallDirection direction, CallStatus status, bool booked, int durationSeconds,
        int? customerId, string? customerName, int branchId, string branchName, double? sentiment, bool live) =>
        new(
            id,
            startedAt,
            direction == CallDirection.Outbound ? "outbound" : "inbound",
            StatusText(status),
            OutcomeText(status, booked, live),
            durationSeconds,
            customerName,
            branchName,
            sentiment)
        {
            BranchId = branchId,
            CustomerId = customerId,
        };

    protected override async Task<RecentCalls> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var to = now.UtcDateTime;
        var rows = await db.Calls.AsNoTracking()
            .Where(c => c.CompanyId == companyId && c.StartedAt <= to)
            .OrderByDescending(c => c.StartedAt)
            .ThenByDescending(c => c.Id)
            .Take(Count)
            .Select(c => new
            {
                c.Id,
                c.StartedAt,
                c.Direction,
                c.Status,
                c.DurationSeconds,
                c.AppointmentBooked,
                c.Sentiment,
                c.CustomerId,
                c.BranchId,
                CustomerName = c.Customer != null ? c.Customer.Name : null,
                BranchName = c.Branch != null ? c.Branch.Name : null,
            })
            .ToListAsync(cancellationToken);

        return new RecentCalls(
        [
            .. rows.Select(r =>
            {
                var startedAt = new DateTimeOffset(DateTime.SpecifyKind(r.StartedAt, DateTimeKind.Utc));
                return ToRecentCall(r.Id, startedAt, r.Direction, r.Status, r.AppointmentBooked, r.DurationSeconds, r.CustomerId, r.CustomerName, r.BranchId, r.BranchName ?? string.Empty, r.Sentiment, LiveCallsWidget.IsLive(startedAt, now));
            }),
        ])
        {
            AsOf = now,
        };
    }

    private static string StatusText(CallStatus status) => status switch
    {
        CallStatus.Ongoing => "ongoing",
        CallStatus.Completed => "completed",
        CallStatus.Missed => "missed",
        _ => "failed",
    };

    private static string OutcomeText(CallStatus status, bool booked, bool live) => status switch
    {
        _ when booked => "appointment_booked",
        CallStatus.Ongoing when live => "in_progress",
        CallStatus.Ongoing => "no_end_recorded",
        CallStatus.Completed => "handled",
        CallStatus.Missed => "missed",
        _ => "failed",
    };
}

/// <summary>The <c>recent_calls</c> value.</summary>
/// <param name="Calls">The latest calls, newest first.</param>
internal sealed record RecentCalls(IReadOnlyList<RecentCall> Calls)
{
    /// <summary>
    /// Gets the instant the list was computed for (whether an ongoing call is still "in progress"); null for a list
    /// read back from L2. Not part of the widget's JSON.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DateTimeOffset? AsOf { get; init; }
}

/// <summary>One call in the list.</summary>
/// <param name="Id">The call id.</param>
/// <param name="StartedAt">When the call started.</param>
/// <param name="Direction"><c>inbound</c> or <c>outbound</c>.</param>
/// <param name="Status"><c>ongoing</c>, <c>completed</c>, <c>missed</c> or <c>failed</c>.</param>
/// <param name="Outcome"><c>appointment_booked</c>, <c>handled</c>, <c>in_progress</c>, <c>no_end_recorded</c> (ongoing
/// for longer than <see cref="LiveCallsWidget.OngoingHorizon"/>), <c>missed</c> or <c>failed</c>.</param>
/// <param name="DurationSeconds">The call's duration so far.</param>
/// <param name="CustomerName">The customer, when the caller is known.</param>
/// <param name="BranchName">The branch called.</param>
/// <param name="Sentiment">The caller's sentiment, -1 to 1, when analysed.</param>
internal sealed record RecentCall(
    long Id,
    DateTimeOffset StartedAt,
    string Direction,
    string Status,
    string Outcome,
    int DurationSeconds,
    string? CustomerName,
    string BranchName,
    double? Sentiment)
{
    /// <summary>Gets the branch's id.</summary>
    public int BranchId { get; init; }

    /// <summary>Gets the customer's id, when the caller is known.</summary>
    public int? CustomerId { get; init; }
}
