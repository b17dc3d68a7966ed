using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// <c>dashboard_stats</c> (heavy): the last 30 days in the company's time zone (today included, up to now).
/// Calls are counted by start; appointments and revenue by booking time.
/// </summary>
internal sealed class DashboardStatsWidget(IDbContextFactory<AskProDbContext> dbFactory, TimeProvider time, ILogger<DashboardStatsWidget> logger)
    : DashboardWidget<DashboardStatsWidget, DashboardStats>(dbFactory, time, logger), IWidgetDefinition
{
    /// <summary>The number of days covered, and so of trend points.</summary>
    public const int Days = 30;

    public static WidgetDefinition Definition { get; } =
        new("dashboard_stats", WidgetTier.Heavy, [typeof(Call), typeof(Appointment), typeof(Branch), typeof(Company)]);

    protected override async Task<DashboardStats> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var calendar = await CompanyCalendar.LoadAsync(db, companyId, now, cancellationToken);
        var firstDay = calendar.Today.AddDays(1 - Days);
        var from = calendar.StartOfDayUtc(firstDay);
        var to = calendar.NowUtc;
        var calls = db.Calls.AsNoTracking().Where(c => c.CompanyId == companyId && c.StartedAt >= from && c.StartedAt <= to);

        // Hourly buckets in SQL (at most 720 rows), folded into local days here: any whole-hour time zone offset works
        // without provider-specific time zone SQL.
        var hours = await calls
            .GroupBy(c => new { Day = c.StartedAt.Date, c.StartedAt.Hour })
            .Select(g => new
            {
                g.Key.Day,
                g.Key.Hour,
                Calls = g.Count(),
                Answered = g.Count(c => c.Status == CallStatus.Completed || c.Status == CallStatus.Ongoing),
                Booked = g.Count(c => c.AppointmentBooked),
                Completed = g.Count(c => c.Status == CallStatus.Completed),
                DurationSeconds = g.Sum(c => c.Status == CallStatus.Completed ? (long)c.DurationSeconds : 0L),
            })
            .ToListAsync(cancellationToken);

        var branches = await calls
            .GroupBy(c => new { c.BranchId, c.Branch!.Name })
            .Select(g => new { g.Key.BranchId, g.Key.Name, Calls = g.Count(), Booked = g.Count(c => c.AppointmentBooked) })
            .OrderByDescending(b => b.Calls)
            .ThenBy(b => b.BranchId)
            .Take(5)
            .ToListAsync(cancellationToken);

        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.CompanyId == companyId && a.CreatedAt >= from && a.CreatedAt <= to)
            .GroupBy(a => a.CompanyId)
            .Select(g => new
            {
                Count = g.Count(),
                RevenueCents = g.Sum(a => a.Status == AppointmentStatus.Scheduled || a.Status == AppointmentStatus.Completed ? a.PriceCents : 0L),
            })
            .FirstOrDefaultAsync(cancellationToken);

        var trend = new DailyPoint[Days];
        for (var i = 0; i < Days; i++)
        {
            trend[i] = new DailyPoint(firstDay.AddDays(i), 0, 0);
        }

        foreach (var h in hours)
        {
            var index = calendar.LocalDateOf(h.Day.AddHours(h.Hour)).DayNumber - firstDay.DayNumber;
            if (index is >= 0 and < Days)
            {
                trend[index] = trend[index] with { Calls = trend[index].Calls + h.Calls, Booked = trend[index].Booked + h.Booked };
            }
        }

        var total = hours.Sum(h => h.Calls);
        var answered = hours.Sum(h => h.Answered);
        var booked = hours.Sum(h => h.Booked);
        return new DashboardStats(
            firstDay,
            calendar.Today,
            calendar.TimeZone.Id,
            total,
            answered,
            Ratios.Rate(answered, total),
            booked,
            Ratios.Rate(booked, answered),
            appointments?.Count ?? 0,
            appointments?.RevenueCents ?? 0,
            Ratios.Average(hours.Sum(h => h.DurationSeconds), hours.Sum(h => h.Completed)),
            trend,
            [.. branches.Select(b => new BranchRanking(b.BranchId, b.Name, b.Calls, b.Booked, Ratios.Rate(b.Booked, b.Calls)))]);
    }
}

/// <summary>The <c>dashboard_stats</c> value.</summary>
/// <param name="From">The first local day covered.</param>
/// <param name="To">The last local day covered (today).</param>
/// <param name="TimeZone">The time zone the days are in.</param>
/// <param name="Calls">Calls started in the period.</param>
/// <param name="AnsweredCalls">Calls answered (completed or ongoing).</param>
/// <param name="AnsweredRate">Answered calls over calls, 0 to 1.</param>
/// <param name="CallsWithAppointment">Calls that booked an appointment.</param>
/// <param name="ConversionRate">Calls that booked an appointment over answered calls, 0 to 1.</param>
/// <param name="AppointmentsBooked">Appointments created in the period, whatever their status now.</param>
/// <param name="RevenueCents">The price of appointments booked in the period that are scheduled or completed.</param>
/// <param name="AverageDurationSeconds">The average duration of completed calls.</param>
/// <param name="Trend">One point per local day, oldest first.</param>
/// <param name="TopBranches">The five branches with the most calls.</param>
internal sealed record DashboardStats(
    DateOnly From,
    DateOnly To,
    string TimeZone,
    int Calls,
    int AnsweredCalls,
    double AnsweredRate,
    int CallsWithAppointment,
    double ConversionRate,
    int AppointmentsBooked,
    long RevenueCents,
    double AverageDurationSeconds,
    IReadOnlyList<DailyPoint> Trend,
    IReadOnlyList<BranchRanking> TopBranches);

/// <summary>One day of the trend.</summary>
/// <param name="Date">The local day.</param>
/// <param name="Calls">Calls started that day.</param>
/// <param name="Booked">Calls that day that booked an appointment.</param>
internal sealed record DailyPoint(DateOnly Date, int Calls, int Booked);

/// <summary>A branch in the ranking.</summary>
/// <param name="BranchId">The branch id.</param>
/// <param name="Name">The branch name.</param>
/// <param name="Calls">Calls in the period.</param>
/// <param name="Booked">Calls that booked an appointment.</param>
/// <param name="ConversionRate">Booked over calls, 0 to 1.</param>
internal sealed record BranchRanking(int BranchId, string Name, int Calls, int Booked, double ConversionRate);
