using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// <c>dashboard_stats</c> (heavy): the last 30 days in the company's time zone (today included, up to now).
/// Calls are counted by start; appointments and revenue by booking time. Built from day parts
/// (<see cref="IDaySegmentCache"/>): each local day is cached and reloaded only when a write touches it in a way
/// that cannot be applied to it; a new, changed or deleted call or appointment is applied to its day's part (ADR 0015,
/// 0022), so the value after a call event is composed from cached parts without reading the database.
/// </summary>
internal sealed class DashboardStatsWidget(
    IDbContextFactory<AskProDbContext> dbFactory,
    TimeProvider time,
    ILogger<DashboardStatsWidget> logger,
    IWidgetCache cache,
    IDaySegmentCache segments,
    CompanyTimeZones zones)
    : DashboardWidget<DashboardStatsWidget, DashboardStats>(dbFactory, time, logger), IWidgetDefinition
{
    /// <summary>The service's hit path, compiled for this widget's exact types (see <see cref="DashboardWidget{TSelf, TValue}.GetAsync"/>).</summary>
    public override ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    /// <summary>The number of days covered, and so of trend points.</summary>
    public const int Days = 30;

    /// <summary>How many branches the ranking shows.</summary>
    public const int TopBranchCount = 5;

    public static WidgetDefinition Definition { get; } =
        new("dashboard_stats", WidgetTier.Heavy, [typeof(Call), typeof(Appointment), typeof(Branch), typeof(Company)])
        {
            // A call belongs to the day it started, an appointment to the day it was booked (created).
            DayKeys = new Dictionary<Type, string> { [typeof(Call)] = nameof(Call.StartedAt), [typeof(Appointment)] = nameof(Appointment.CreatedAt) },

            // A new call or appointment is added to its day's part (ADR 0015), an updated or deleted one taken out of its
            // old day's part first (ADR 0022); the widget's own entry is then composed again from the cached parts,
            // without reading the database.
            ApplyDays = static (write, ct) => write.Segments.ApplyDaysAsync(
                write.Widget, write.CompanyId, write.TimeZone, write.Ticket, [.. write.Rows.SelectMany(DayStats.ChangesOf)], ct),
        };

    private WidgetHandle? _handle;

    private WidgetHandle Handle => _handle ??= cache.TryGetWidget(Definition.Name, out var handle)
        ? handle
        : throw new InvalidOperationException($"The widget {Definition.Name} is not registered with the cache.");

    protected override async Task<DashboardStats> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var calendar = await CompanyCalendar.LoadAsync(zones, db, companyId, now, cancellationToken);
        var today = calendar.Today;
        var firstDay = today.AddDays(1 - Days);
        // Every day of the period, today included: on a single node today's part is cached too and kept current by
        // the writes applied to it; in distributed mode it is loaded with every computation.
        var parts = await segments.GetDaysAsync(
            Handle,
            companyId,
            calendar.TimeZone,
            firstDay,
            today,
            (Db: db, CompanyId: companyId, Zone: calendar.TimeZone),
            static async (s, first, last, ct) => await LoadDaysAsync(s.Db, s.CompanyId, s.Zone, first, last, ct),
            cancellationToken);
        return Compose(calendar, firstDay, parts);
    }

    /// <summary>The value of the period from its day parts, oldest first (the last is today).</summary>
    internal static DashboardStats Compose(CompanyCalendar calendar, DateOnly firstDay, IReadOnlyList<DayStats> parts)
    {
        var total = DaySegments.Fold(parts);
        var trend = new DailyPoint[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            trend[i] = new DailyPoint(firstDay.AddDays(i), parts[i].Calls, parts[i].Booked);
        }

        var branches = total.Branches
            .OrderByDescending(b => b.Value.Calls)
            .ThenBy(b => b.Key)
            .Take(TopBranchCount)
            .Select(b => new BranchRanking(b.Key, b.Value.Name, b.Value.Calls, b.Value.Answered, b.Value.Booked, Ratios.Rate(b.Value.Booked, b.Value.Answered)));
        return new DashboardStats(
            firstDay,
            calendar.Today,
            calendar.TimeZone.Id,
            calendar.Now,
            calendar.EndOfToday,
            total.Calls,
            total.Answered,
            Ratios.Rate(total.Answered, total.Calls),
            total.Booked,
            Ratios.Rate(total.Booked, total.Answered),
            DashboardStats.ConversionRateDefinitionText,
            total.Appointments,
            total.RevenueCents,
            Ratios.Average(total.DurationSeconds, total.Completed),
            trend,
            [.. branches]);
    }

    /// <summary>
    /// The parts of local days <paramref name="first"/> to <paramref name="last"/>: the rows of those days (a few columns
    /// each), assigned to local days here with the zone's rules (half-hour offsets and DST included), which SQL on
    /// both providers could not do without provider-specific time zone functions.
    /// </summary>
    private static async Task<IReadOnlyDictionary<DateOnly, DayStats>> LoadDaysAsync(
        AskProDbContext db, int companyId, TimeZoneInfo zone, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var from = LocalDay.Start(first, zone).UtcDateTime;
        var to = LocalDay.End(last, zone).UtcDateTime;
        var calls = await db.Calls.AsNoTracking()
            .Where(c => c.CompanyId == companyId && c.StartedAt >= from && c.StartedAt < to)
            .Select(c => new { c.StartedAt, c.Status, c.AppointmentBooked, c.DurationSeconds, c.BranchId, BranchName = c.Branch!.Name })
            .ToListAsync(cancellationToken);
        var appointments = await db.Appointments.AsNoTracking()
            .Where(a => a.CompanyId == companyId && a.CreatedAt >= from && a.CreatedAt < to)
            .Select(a => new { a.CreatedAt, a.Status, a.PriceCents })
            .ToListAsync(cancellationToken);

        var builders = new Dictionary<DateOnly, DayStats.Builder>();
        DayStats.Builder For(DateTime utc)
        {
            var day = LocalDay.Of(utc, zone);
            if (!builders.TryGetValue(day, out var builder))
            {
                builders[day] = builder = new DayStats.Builder();
            }

            return builder;
        }

        foreach (var c in calls)
        {
            For(c.StartedAt).AddCall(c.Status, c.AppointmentBooked, c.DurationSeconds, c.BranchId, c.BranchName);
        }

        foreach (var a in appointments)
        {
            For(a.CreatedAt).AddAppointment(a.Status, a.PriceCents);
        }

        return builders.ToDictionary(b => b.Key, b => b.Value.Build());
    }
}

/// <summary>The <c>dashboard_stats</c> value.</summary>
/// <param name="From">The first local day covered.</param>
/// <param name="To">The last local day covered (today).</param>
/// <param name="TimeZone">The time zone the days are in.</param>
/// <param name="AsOf">The instant the value was computed for ("now" of today's figures).</param>
/// <param name="ValidUntil">The end of <paramref name="To"/> (the next local midnight): the value is not served after it.</param>
/// <param name="Calls">Calls started in the period.</param>
/// <param name="AnsweredCalls">Calls answered (completed or ongoing).</param>
/// <param name="AnsweredRate">Answered calls over calls, 0 to 1.</param>
/// <param name="CallsWithAppointment">Calls that booked an appointment.</param>
/// <param name="ConversionRate">Calls that booked an appointment over answered calls, 0 to 1 (see <paramref name="ConversionRateDefinition"/>).</param>
/// <param name="ConversionRateDefinition">How every conversion rate of the widget is computed, the headline's and each branch's.</param>
/// <param name="AppointmentsBooked">Appointments created in the period, whatever their status now.</param>
/// <param name="RevenueCents">The price of appointments booked in the period that are scheduled or completed.</param>
/// <param name="AverageDurationSeconds">The average duration of completed calls, rounded to 0.1 s.</param>
/// <param name="Trend">One point per local day, oldest first.</param>
/// <param name="TopBranches">The five branches with the most calls.</param>
internal sealed record DashboardStats(
    DateOnly From,
    DateOnly To,
    string TimeZone,
    DateTimeOffset AsOf,
    DateTimeOffset ValidUntil,
    int Calls,
    int AnsweredCalls,
    double AnsweredRate,
    int CallsWithAppointment,
    double ConversionRate,
    string ConversionRateDefinition,
    int AppointmentsBooked,
    long RevenueCents,
    double AverageDurationSeconds,
    IReadOnlyList<DailyPoint> Trend,
    IReadOnlyList<BranchRanking> TopBranches) : IExpiringValue
{
    /// <summary>The one definition of the conversion rate, for the headline and the branches alike.</summary>
    public const string ConversionRateDefinitionText = "calls that booked an appointment / answered calls (completed or ongoing)";
}

/// <summary>One day of the trend.</summary>
/// <param name="Date">The local day.</param>
/// <param name="Calls">Calls started that day.</param>
/// <param name="Booked">Calls that day that booked an appointment.</param>
internal sealed record DailyPoint(DateOnly Date, int Calls, int Booked);

/// <summary>A branch in the ranking.</summary>
/// <param name="BranchId">The branch id.</param>
/// <param name="Name">The branch name.</param>
/// <param name="Calls">Calls in the period.</param>
/// <param name="AnsweredCalls">Calls answered (completed or ongoing).</param>
/// <param name="Booked">Calls that booked an appointment.</param>
/// <param name="ConversionRate">Booked over answered calls, 0 to 1: the headline's definition.</param>
internal sealed record BranchRanking(int BranchId, string Name, int Calls, int AnsweredCalls, int Booked, double ConversionRate);
