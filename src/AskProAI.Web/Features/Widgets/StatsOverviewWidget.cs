using System.Numerics;
using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// <c>stats_overview</c> (statistics): today so far against yesterday up to the same local time, days in the
/// company's time zone. A single-day widget: a write of a call or appointment is applied to it (ADR 0015, 0022).
/// </summary>
internal sealed class StatsOverviewWidget(IDbContextFactory<AskProDbContext> dbFactory, TimeProvider time, ILogger<StatsOverviewWidget> logger, CompanyTimeZones zones)
    : DashboardWidget<StatsOverviewWidget, StatsOverview>(dbFactory, time, logger), IWidgetDefinition
{
    /// <summary>The service's hit path, compiled for this widget's exact types (see <see cref="DashboardWidget{TSelf, TValue}.GetAsync"/>).</summary>
    public override ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    public static WidgetDefinition Definition { get; } =
        new("stats_overview", WidgetTier.Statistics, [typeof(Call), typeof(Appointment), typeof(Company)])
        {
            ApplyChange = static (value, row) => Apply((StatsOverview)value, row),
        };

    /// <summary>
    /// A changed call or appointment applied to a cached value: the old row taken out of the figures that counted it
    /// (an update or a delete, ADR 0022), the new row added (ADR 0015). Null when either step cannot tell.
    /// </summary>
    internal static StatsOverview? Apply(StatsOverview value, Invalidation.ChangedRow row)
    {
        StatsOverview? result = value;
        if (row.Before is { } before)
        {
            result = Change(value, before, -1);
        }

        if (result is not null && row.After is { } after)
        {
            result = Change(result, after, 1);
        }

        return result;
    }

    /// <summary>
    /// A row added to (<paramref name="sign"/> 1) or taken out of (-1) a cached value: today's figures when it falls on
    /// the value's today, yesterday's when on yesterday up to the value's same-time cut. The average duration is made
    /// again from the kept sum and count of completed calls. Null when the value cannot tell: a completed call and a
    /// value without its sums (from L2), an old row after the value's instant that was not applied to it (a computation
    /// reads rows up to its instant; an applied insert counts a later one and notes its id), a figure below zero.
    /// </summary>
    internal static StatsOverview? Change(StatsOverview value, object row, int sign)
    {
        var zone = CompanyCalendar.Resolve(value.TimeZone);
        switch (row)
        {
            case Call call:
            {
                var side = Side(value, zone, call.StartedAt);
                if (side == 0)
                {
                    return value;
                }

                // A call started after the value's instant counts only when it was applied to the value (a computation
                // reads calls up to its instant): one the value does not know of cannot be taken out.
                var late = AsUtc(call.StartedAt) > value.AsOf;
                if (sign < 0 && late && !value.LateCalls.Contains(call.Id))
                {
                    return null;
                }

                var completed = call.Status == CallStatus.Completed;
                if (completed && value.Durations is null)
                {
                    return null;
                }

                long one = sign;
                var answered = DayStats.IsAnswered(call.Status) ? one : 0L;
                var durations = value.Durations;
                if (completed)
                {
                    durations = side == 1
                        ? durations! with { CompletedToday = durations.CompletedToday + one, SecondsToday = durations.SecondsToday + (one * call.DurationSeconds) }
                        : durations! with { CompletedYesterday = durations.CompletedYesterday + one, SecondsYesterday = durations.SecondsYesterday + (one * call.DurationSeconds) };
                }

                var changed = side == 1
                    ? value with { Calls = Comparison.Of(value.Calls.Today + one, value.Calls.Yesterday), Answered = Comparison.Of(value.Answered.Today + answered, value.Answered.Yesterday) }
                    : value with { Calls = Comparison.Of(value.Calls.Today, value.Calls.Yesterday + one), Answered = Comparison.Of(value.Answered.Today, value.Answered.Yesterday + answered) };
                if (completed)
                {
                    changed = changed with { Durations = durations, AverageDurationSeconds = durations!.Average() };
                }

                if (late)
                {
                    changed = changed with { LateCalls = sign > 0 ? value.LateCalls.Add(call.Id) : value.LateCalls.Remove(call.Id) };
                }

                return changed.Calls.Today < 0 || changed.Calls.Yesterday < 0 || changed.Answered.Today < 0 || changed.Answered.Yesterday < 0 || changed.Durations?.IsValid == false
                    ? null
                    : changed;
            }

            case Appointment appointment:
            {
                var side = Side(value, zone, appointment.CreatedAt);
                if (side == 0)
                {
                    return value;
                }

                var late = AsUtc(appointment.CreatedAt) > value.AsOf;
                if (sign < 0 && late && !value.LateAppointments.Contains(appointment.Id))
                {
                    return null;
                }

                long one = sign;
                var revenue = DayStats.CountsAsRevenue(appointment.Status) ? one * appointment.PriceCents : 0L;
                var changed = side == 1
                    ? value with { Appointments = Comparison.Of(value.Appointments.Today + one, value.Appointments.Yesterday), RevenueCents = Comparison.Of(value.RevenueCents.Today + revenue, value.RevenueCents.Yesterday) }
                    : value with { Appointments = Comparison.Of(value.Appointments.Today, value.Appointments.Yesterday + one), RevenueCents = Comparison.Of(value.RevenueCents.Today, value.RevenueCents.Yesterday + revenue) };
                if (late)
                {
                    changed = changed with { LateAppointments = sign > 0 ? value.LateAppointments.Add(appointment.Id) : value.LateAppointments.Remove(appointment.Id) };
                }

                return changed.Appointments.Today < 0 || changed.Appointments.Yesterday < 0 || changed.RevenueCents.Today < 0 || changed.RevenueCents.Yesterday < 0
                    ? null
                    : changed;
            }

            default:
                return null;
        }
    }

    private static DateTimeOffset AsUtc(DateTime utc) => new(DateTime.SpecifyKind(utc, DateTimeKind.Utc));

    /// <summary>1 when a row's time is on the value's today, -1 on yesterday up to the same-time cut, 0 otherwise.</summary>
    private static int Side(StatsOverview value, TimeZoneInfo zone, DateTime utc)
    {
        var at = new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        var day = LocalDay.Of(at, zone);
        return day == value.Today ? 1 : day == value.Yesterday && at <= value.YesterdayUpTo ? -1 : 0;
    }

    protected override async Task<StatsOverview> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var calendar = await CompanyCalendar.LoadAsync(zones, db, companyId, now, cancellationToken);
        var today = calendar.Today;
        var startOfToday = calendar.StartOfDayUtc(today);
        var startOfYesterday = calendar.StartOfDayUtc(today.AddDays(-1));
        var to = calendar.NowUtc;

        // The same local wall-clock time yesterday (moved past a DST gap, capped at today's start).
        var localNow = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, calendar.TimeZone).DateTime);
        var yesterdayTo = LocalDay.AtLocalTime(today.AddDays(-1), localNow, calendar.TimeZone).UtcDateTime;
        if (yesterdayTo >= startOfToday)
        {
            yesterdayTo = startOfToday.AddTicks(-1);
        }

        var calls = await db.Calls.AsNoTracking()
            .Where(c => c.CompanyId == companyId
                && ((c.StartedAt >= startOfYesterday && c.StartedAt <= yesterdayTo) || (c.StartedAt >= startOfToday && c.StartedAt <= to)))
            .GroupBy(c => c.StartedAt >= startOfToday)
            .Select(g => new
            {
                IsToday = g.Key,
                Calls = g.Count(),
                Answered = g.Count(c => c.Status == CallStatus.Completed || c.Status == CallStatus.Ongoing),
                Completed = g.Count(c => c.Status == CallStatus.Completed),
                DurationSeconds = g.Sum(c => c.Status == CallStatus.Completed ? (long)c.DurationSeconds : 0L),
            })
            .ToListAsync(cancellationToken);

        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.CompanyId == companyId
                && ((a.CreatedAt >= startOfYesterday && a.CreatedAt <= yesterdayTo) || (a.CreatedAt >= startOfToday && a.CreatedAt <= to)))
            .GroupBy(a => a.CreatedAt >= startOfToday)
            .Select(g => new
            {
                IsToday = g.Key,
                Count = g.Count(),
                RevenueCents = g.Sum(a => a.Status == AppointmentStatus.Scheduled || a.Status == AppointmentStatus.Completed ? a.PriceCents : 0L),
            })
            .ToListAsync(cancellationToken);

        var callsToday = calls.Find(c => c.IsToday);
        var callsYesterday = calls.Find(c => !c.IsToday);
        var appointmentsToday = appointments.Find(a => a.IsToday);
        var appointmentsYesterday = appointments.Find(a => !a.IsToday);
        return new StatsOverview(
            today,
            today.AddDays(-1),
            calendar.TimeZone.Id,
            now,
            new DateTimeOffset(yesterdayTo, TimeSpan.Zero),
            calendar.EndOfToday,
            Comparison.Of<long>(callsToday?.Calls ?? 0, callsYesterday?.Calls ?? 0),
            Comparison.Of<long>(callsToday?.Answered ?? 0, callsYesterday?.Answered ?? 0),
            Comparison.Of<long>(appointmentsToday?.Count ?? 0, appointmentsYesterday?.Count ?? 0),
            Comparison.Of(appointmentsToday?.RevenueCents ?? 0, appointmentsYesterday?.RevenueCents ?? 0),
            Comparison.Of(
                Ratios.Average(callsToday?.DurationSeconds ?? 0, callsToday?.Completed ?? 0),
                Ratios.Average(callsYesterday?.DurationSeconds ?? 0, callsYesterday?.Completed ?? 0)))
        {
            Durations = new CompletedDurations(callsToday?.Completed ?? 0, callsToday?.DurationSeconds ?? 0, callsYesterday?.Completed ?? 0, callsYesterday?.DurationSeconds ?? 0),
        };
    }
}

/// <summary>The <c>stats_overview</c> value.</summary>
/// <param name="Today">Today's local date.</param>
/// <param name="Yesterday">Yesterday's local date.</param>
/// <param name="TimeZone">The time zone the days are in.</param>
/// <param name="AsOf">The instant today's figures run to.</param>
/// <param name="YesterdayUpTo">The instant yesterday's figures run to: the same local time, a day earlier.</param>
/// <param name="ValidUntil">The end of today (the next local midnight): the value is not served after it.</param>
/// <param name="Calls">Calls started.</param>
/// <param name="Answered">Calls answered (completed or ongoing).</param>
/// <param name="Appointments">Appointments booked (created), whatever their status now.</param>
/// <param name="RevenueCents">The price of appointments booked that day that are scheduled or completed.</param>
/// <param name="AverageDurationSeconds">The average duration of completed calls.</param>
internal sealed record StatsOverview(
    DateOnly Today,
    DateOnly Yesterday,
    string TimeZone,
    DateTimeOffset AsOf,
    DateTimeOffset YesterdayUpTo,
    DateTimeOffset ValidUntil,
    Comparison<long> Calls,
    Comparison<long> Answered,
    Comparison<long> Appointments,
    Comparison<long> RevenueCents,
    Comparison<double> AverageDurationSeconds) : IExpiringValue
{
    /// <summary>
    /// Gets the count and sum behind the average durations, so that a call's end can be applied (ADR 0022); null for a
    /// value read back from L2. Not part of the widget's JSON.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public CompletedDurations? Durations { get; init; }

    /// <summary>Gets the ids of the calls after <see cref="AsOf"/> applied to the value (it counts them); not in the JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Collections.Immutable.ImmutableHashSet<long> LateCalls { get; init; } = [];

    /// <summary>Gets the ids of the appointments booked after <see cref="AsOf"/> applied to the value; not in the JSON.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public System.Collections.Immutable.ImmutableHashSet<long> LateAppointments { get; init; } = [];
}

/// <summary>Completed calls and their seconds, today and yesterday up to the same time: what the average durations are made of.</summary>
/// <param name="CompletedToday">Completed calls today.</param>
/// <param name="SecondsToday">Their seconds.</param>
/// <param name="CompletedYesterday">Completed calls yesterday up to the same local time.</param>
/// <param name="SecondsYesterday">Their seconds.</param>
internal sealed record CompletedDurations(long CompletedToday, long SecondsToday, long CompletedYesterday, long SecondsYesterday)
{
    /// <summary>Gets whether no figure went below zero.</summary>
    public bool IsValid => CompletedToday >= 0 && SecondsToday >= 0 && CompletedYesterday >= 0 && SecondsYesterday >= 0;

    /// <summary>The average durations, computed as the widget computes them.</summary>
    public Comparison<double> Average() => Comparison.Of(Ratios.Average(SecondsToday, CompletedToday), Ratios.Average(SecondsYesterday, CompletedYesterday));
}

/// <summary>A figure today against yesterday.</summary>
/// <typeparam name="T">The figure's number type.</typeparam>
/// <param name="Today">Today's figure (so far).</param>
/// <param name="Yesterday">Yesterday's figure up to the same local time.</param>
/// <param name="Change">Today minus yesterday (rounded to 0.1 for fractional figures).</param>
/// <param name="ChangePercent">The change in percent of yesterday, rounded to 1 decimal; null when yesterday is 0.</param>
internal sealed record Comparison<T>(T Today, T Yesterday, T Change, double? ChangePercent)
    where T : INumber<T>;

/// <summary>Creates <see cref="Comparison{T}"/> values.</summary>
internal static class Comparison
{
    /// <summary>Compares today with yesterday.</summary>
    public static Comparison<T> Of<T>(T today, T yesterday)
        where T : INumber<T>
    {
        var change = today - yesterday;

        // Differences of rounded averages carry binary noise (95.3 - 77.5 = 17.80000000000001): round to their precision.
        if (typeof(T) == typeof(double))
        {
            change = T.CreateChecked(Math.Round(double.CreateChecked(change), 1));
        }

        double? percent = T.IsZero(yesterday) ? null : Math.Round(double.CreateChecked(change) / double.CreateChecked(yesterday) * 100, 1);
        return new Comparison<T>(today, yesterday, change, percent);
    }
}
