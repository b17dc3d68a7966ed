using System.Collections.Immutable;
using AskProAI.Caching;
using AskProAI.Data;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// One local day's counts for <c>dashboard_stats</c>: sums only, so combining days is adding them (associative, with
/// <see cref="Empty"/> as identity) and the fold of cached days equals counting the whole period at once.
/// </summary>
internal sealed record DayStats(
    int Calls,
    int Answered,
    int Booked,
    int Completed,
    long DurationSeconds,
    int Appointments,
    long RevenueCents,
    ImmutableDictionary<int, BranchDay> Branches) : IDayPart<DayStats>
{
    public static DayStats Empty { get; } = new(0, 0, 0, 0, 0, 0, 0, ImmutableDictionary<int, BranchDay>.Empty);

    public static DayStats Combine(DayStats earlier, DayStats later)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        var branches = earlier.Branches;
        foreach (var (id, day) in later.Branches)
        {
            // The later day's name wins: a renamed branch shows its current name (a rename invalidates every day anyway).
            branches = branches.SetItem(id, branches.TryGetValue(id, out var sum) ? new BranchDay(day.Name, sum.Calls + day.Calls, sum.Answered + day.Answered, sum.Booked + day.Booked) : day);
        }

        return new DayStats(
            earlier.Calls + later.Calls,
            earlier.Answered + later.Answered,
            earlier.Booked + later.Booked,
            earlier.Completed + later.Completed,
            earlier.DurationSeconds + later.DurationSeconds,
            earlier.Appointments + later.Appointments,
            earlier.RevenueCents + later.RevenueCents,
            branches);
    }

    /// <summary>
    /// The changes a changed row makes to day parts: the old row taken out of its day's part (an update or a delete,
    /// ADR 0022) and the new row added to its day's part (an insert or an update, ADR 0015); a call moved to another day
    /// changes both days. A change that cannot be applied answers null (the day is then loaded again): a new call whose
    /// branch name is unknown, an old row that the part does not hold.
    /// </summary>
    public static IEnumerable<DayChange<DayStats>> ChangesOf(Invalidation.ChangedRow row)
    {
        // The branch's name as the old row's part had it: the new row needs it when the old row was the branch's only call.
        string? name = null;
        if (row.Before is { } before)
        {
            yield return new(AtOf(before), part =>
            {
                name = before is Call old ? part.Branches.GetValueOrDefault(old.BranchId)?.Name : null;
                return Without(part, before);
            });
        }

        if (row.After is { } after)
        {
            yield return after is Call call && row.Before is Call same && same.BranchId == call.BranchId
                ? new(AsUtc(call.StartedAt), part => (call.Branch?.Name ?? part.Branches.GetValueOrDefault(call.BranchId)?.Name ?? name) is { } branch ? Combine(part, One(call, branch)) : null)
                : ChangeOf(after);
        }
    }

    /// <summary>
    /// The change an inserted row makes to its day's part: the part plus the row's own counts. A call needs its
    /// branch's name (from the row's loaded branch, or the part when the branch already has calls that day);
    /// without it the change is refused (null) and the day is loaded again. Only rows with a day key come here.
    /// </summary>
    public static DayChange<DayStats> ChangeOf(object row) => row switch
    {
        Call call => new(AsUtc(call.StartedAt), part =>
        {
            var name = call.Branch?.Name ?? part.Branches.GetValueOrDefault(call.BranchId)?.Name;
            if (name is null)
            {
                return null;
            }

            return Combine(part, One(call, name));
        }),
        Appointment appointment => new(AsUtc(appointment.CreatedAt), part => Combine(part, One(appointment))),
        _ => throw new ArgumentException($"A {row.GetType().Name} has no day in dashboard_stats (only calls and appointments do).", nameof(row)),
    };

    /// <summary>The part without one of its rows; null when the part cannot hold it (a count would go below zero).</summary>
    private static DayStats? Without(DayStats part, object row)
    {
        var one = row switch
        {
            Call call => part.Branches.TryGetValue(call.BranchId, out var branch) ? One(call, branch.Name) : null,
            Appointment appointment => One(appointment),
            _ => null,
        };
        if (one is null)
        {
            return null;
        }

        var branches = part.Branches;
        foreach (var (id, day) in one.Branches)
        {
            var sum = branches[id];
            var left = new BranchDay(sum.Name, sum.Calls - day.Calls, sum.Answered - day.Answered, sum.Booked - day.Booked);
            if (left.Calls < 0 || left.Answered < 0 || left.Booked < 0)
            {
                return null;
            }

            // A branch without calls that day is not in a part loaded from rows either (the ranking lists branches with calls).
            branches = left.Calls == 0 ? branches.Remove(id) : branches.SetItem(id, left);
        }

        var result = new DayStats(
            part.Calls - one.Calls,
            part.Answered - one.Answered,
            part.Booked - one.Booked,
            part.Completed - one.Completed,
            part.DurationSeconds - one.DurationSeconds,
            part.Appointments - one.Appointments,
            part.RevenueCents - one.RevenueCents,
            branches);
        return result is { Calls: >= 0, Answered: >= 0, Booked: >= 0, Completed: >= 0, DurationSeconds: >= 0, Appointments: >= 0, RevenueCents: >= 0 } ? result : null;
    }

    private static DayStats One(Call call, string branchName)
    {
        var one = new Builder();
        one.AddCall(call.Status, call.AppointmentBooked, call.DurationSeconds, call.BranchId, branchName);
        return one.Build();
    }

    private static DayStats One(Appointment appointment)
    {
        var one = new Builder();
        one.AddAppointment(appointment.Status, appointment.PriceCents);
        return one.Build();
    }

    private static DateTimeOffset AtOf(object row) => row switch
    {
        Call call => AsUtc(call.StartedAt),
        Appointment appointment => AsUtc(appointment.CreatedAt),
        _ => throw new ArgumentException($"A {row.GetType().Name} has no day in dashboard_stats (only calls and appointments do).", nameof(row)),
    };

    private static DateTimeOffset AsUtc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>Whether a call counts as answered: completed or still ongoing.</summary>
    public static bool IsAnswered(CallStatus status) => status is CallStatus.Completed or CallStatus.Ongoing;

    /// <summary>Whether an appointment's price counts as revenue: scheduled or completed.</summary>
    public static bool CountsAsRevenue(AppointmentStatus status) => status is AppointmentStatus.Scheduled or AppointmentStatus.Completed;

    /// <summary>Counts one day's rows.</summary>
    internal sealed class Builder
    {
        private readonly Dictionary<int, BranchDay> _branches = [];
        private int _calls;
        private int _answered;
        private int _booked;
        private int _completed;
        private long _duration;
        private int _appointments;
        private long _revenue;

        public void AddCall(CallStatus status, bool booked, int durationSeconds, int branchId, string branchName)
        {
            var answered = IsAnswered(status);
            _calls++;
            _answered += answered ? 1 : 0;
            _booked += booked ? 1 : 0;
            if (status == CallStatus.Completed)
            {
                _completed++;
                _duration += durationSeconds;
            }

            var branch = _branches.GetValueOrDefault(branchId) ?? new BranchDay(branchName, 0, 0, 0);
            _branches[branchId] = new BranchDay(branchName, branch.Calls + 1, branch.Answered + (answered ? 1 : 0), branch.Booked + (booked ? 1 : 0));
        }

        public void AddAppointment(AppointmentStatus status, long priceCents)
        {
            _appointments++;
            _revenue += CountsAsRevenue(status) ? priceCents : 0;
        }

        public DayStats Build() => new(_calls, _answered, _booked, _completed, _duration, _appointments, _revenue, _branches.ToImmutableDictionary());
    }
}

/// <summary>One branch's counts in a day part.</summary>
/// <param name="Name">The branch name.</param>
/// <param name="Calls">Calls.</param>
/// <param name="Answered">Answered calls.</param>
/// <param name="Booked">Calls that booked an appointment.</param>
internal sealed record BranchDay(string Name, int Calls, int Answered, int Booked);
