using System.Globalization;
using System.Text.Json;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// Every widget's figures computed from scratch from a company's raw rows, as each widget's documentation defines them:
/// local days by <see cref="TimeZoneInfo"/> directly, plain LINQ, no code of the service. A value and a widget's JSON
/// are described as the same string, so a failure shows both sides.
/// </summary>
internal static class IndependentFigures
{
    /// <summary>How long an ongoing call counts as live (live_calls' documented horizon).</summary>
    private static readonly TimeSpan OngoingHorizon = TimeSpan.FromHours(4);

    /// <summary>live_calls' window of recent calls.</summary>
    private static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(15);

    /// <summary>The first instant whose local date is <paramref name="day"/>.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        // Scan the hours around midnight (zones differ from UTC by < 15 h), then step back to the first minute of the day.
        var guess = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-15);
        while (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(guess, zone).DateTime) < day)
        {
            guess = guess.AddMinutes(15);
        }

        while (DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(guess.AddMinutes(-1), zone).DateTime) == day)
        {
            guess = guess.AddMinutes(-1);
        }

        return guess;
    }

    /// <summary>The local date of an instant.</summary>
    public static DateOnly Today(DateTimeOffset now, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);

    private static DateOnly Local(DateTime utc, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone));

    private static string Rate(long part, long whole) => whole == 0 ? "0" : Math.Round((double)part / whole, 4).ToString(CultureInfo.InvariantCulture);

    private static double Avg(long sum, long count) => count == 0 ? 0 : Math.Round((double)sum / count, 1);

    // Negative zero (a sentiment rounded to -0) is zero: the database does not keep its sign.
    private static string N(double value) => (value == 0 ? 0 : value).ToString(CultureInfo.InvariantCulture);

    private static string N(JsonElement e) => e.ValueKind == JsonValueKind.Null ? "null" : N(e.GetDouble());

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture);

    private static string Instant(JsonElement e) => Instant(e.GetDateTimeOffset());

    private static bool Answered(Call c) => c.Status is CallStatus.Completed or CallStatus.Ongoing;

    private static bool Revenue(Appointment a) => a.Status is AppointmentStatus.Scheduled or AppointmentStatus.Completed;

    /// <summary><c>dashboard_stats</c> at <paramref name="now"/>: the 30 local days up to today, today up to now.</summary>
    public static string DashboardStats(Rows rows, TimeZoneInfo zone, DateTimeOffset now)
    {
        var today = Today(now, zone);
        var first = today.AddDays(-29);
        var calls = rows.Calls.Where(c => c.StartedAt <= now.UtcDateTime && Local(c.StartedAt, zone) >= first && Local(c.StartedAt, zone) <= today).ToList();
        var appointments = rows.Appointments.Where(a => a.CreatedAt <= now.UtcDateTime && Local(a.CreatedAt, zone) >= first && Local(a.CreatedAt, zone) <= today).ToList();
        var answered = calls.Count(Answered);
        var booked = calls.Count(c => c.AppointmentBooked);
        var completed = calls.Where(c => c.Status == CallStatus.Completed).ToList();
        var trend = Enumerable.Range(0, 30).Select(i => first.AddDays(i)).Select(d =>
        {
            var day = calls.Where(c => Local(c.StartedAt, zone) == d).ToList();
            return $"{d:yyyy-MM-dd}:{day.Count}/{day.Count(c => c.AppointmentBooked)}";
        });
        var branches = calls.GroupBy(c => c.BranchId)
            .Select(g => (Id: g.Key, Calls: g.Count(), Answered: g.Count(Answered), Booked: g.Count(c => c.AppointmentBooked)))
            .OrderByDescending(b => b.Calls).ThenBy(b => b.Id).Take(5)
            .Select(b => $"{b.Id} {rows.Branches[b.Id]} {b.Calls}/{b.Answered}/{b.Booked} {Rate(b.Booked, b.Answered)}");
        var revenue = appointments.Where(Revenue).Sum(a => a.PriceCents);
        return string.Join(
            " | ",
            $"{first:yyyy-MM-dd}..{today:yyyy-MM-dd} {zone.Id} until {Instant(StartOfDay(today.AddDays(1), zone))}",
            $"calls {calls.Count} answered {answered} ({Rate(answered, calls.Count)}) booked {booked} conversion {Rate(booked, answered)}",
            $"appointments {appointments.Count} revenue {revenue} avg {N(Avg(completed.Sum(c => (long)c.DurationSeconds), completed.Count))}",
            string.Join(",", trend),
            string.Join(",", branches));
    }

    public static string DescribeDashboardStats(JsonElement s)
    {
        var trend = s.GetProperty("trend").EnumerateArray().Select(p => $"{p.GetProperty("date").GetString()}:{p.GetProperty("calls").GetInt32()}/{p.GetProperty("booked").GetInt32()}");
        var branches = s.GetProperty("topBranches").EnumerateArray().Select(b =>
            $"{b.GetProperty("branchId").GetInt32()} {b.GetProperty("name").GetString()} {b.GetProperty("calls").GetInt32()}/{b.GetProperty("answeredCalls").GetInt32()}/{b.GetProperty("booked").GetInt32()} {N(b.GetProperty("conversionRate"))}");
        return string.Join(
            " | ",
            $"{s.GetProperty("from").GetString()}..{s.GetProperty("to").GetString()} {s.GetProperty("timeZone").GetString()} until {Instant(s.GetProperty("validUntil"))}",
            $"calls {s.GetProperty("calls").GetInt32()} answered {s.GetProperty("answeredCalls").GetInt32()} ({N(s.GetProperty("answeredRate"))}) booked {s.GetProperty("callsWithAppointment").GetInt32()} conversion {N(s.GetProperty("conversionRate"))}",
            $"appointments {s.GetProperty("appointmentsBooked").GetInt32()} revenue {s.GetProperty("revenueCents").GetInt64()} avg {N(s.GetProperty("averageDurationSeconds"))}",
            string.Join(",", trend),
            string.Join(",", branches));
    }

    /// <summary>
    /// <c>stats_overview</c> at <paramref name="asOf"/>: today so far against yesterday up to the same local wall-clock
    /// time (a time skipped by a DST change moves to the gap's end, a repeated one is its first occurrence, and it never
    /// reaches into today), each figure with its change and its change in percent of yesterday.
    /// </summary>
    public static string Overview(Rows rows, TimeZoneInfo zone, DateTimeOffset asOf, DateTimeOffset? todayUpTo = null)
    {
        var localNow = TimeZoneInfo.ConvertTime(asOf, zone);
        var today = DateOnly.FromDateTime(localNow.DateTime);
        var startToday = StartOfDay(today, zone).UtcDateTime;
        var startYesterday = StartOfDay(today.AddDays(-1), zone).UtcDateTime;

        var sameTime = today.AddDays(-1).ToDateTime(TimeOnly.FromDateTime(localNow.DateTime));
        while (zone.IsInvalidTime(sameTime))
        {
            sameTime = sameTime.AddMinutes(1);
        }

        var yesterdayTo = zone.IsAmbiguousTime(sameTime)
            ? new DateTimeOffset(sameTime, zone.GetAmbiguousTimeOffsets(sameTime).Max()).UtcDateTime
            : TimeZoneInfo.ConvertTimeToUtc(sameTime, zone);
        if (yesterdayTo >= startToday)
        {
            yesterdayTo = startToday.AddTicks(-1);
        }

        double[] Day(DateTime from, DateTime to)
        {
            var c = rows.Calls.Where(x => x.StartedAt >= from && x.StartedAt <= to).ToList();
            var a = rows.Appointments.Where(x => x.CreatedAt >= from && x.CreatedAt <= to).ToList();
            var done = c.Where(x => x.Status == CallStatus.Completed).ToList();
            return [c.Count, c.Count(Answered), a.Count, a.Where(Revenue).Sum(x => x.PriceCents), Avg(done.Sum(x => (long)x.DurationSeconds), done.Count)];
        }

        // Today up to todayUpTo when given (now): a call applied to a cached value after its AsOf is newer, not wrong (ADR 0015).
        var t = Day(startToday, (todayUpTo ?? asOf).UtcDateTime);
        var y = Day(startYesterday, yesterdayTo);
        var figures = Enumerable.Range(0, t.Length).Select(i =>
        {
            // The average's change is shown to 0.1 like the average itself; the percentage is of that change.
            var change = Math.Round(t[i] - y[i], 1);
            var percent = y[i] == 0 ? "null" : N(Math.Round(change / y[i] * 100, 1));
            return $"{N(t[i])}/{N(y[i])}/{N(change)}/{percent}";
        });
        return $"{today:yyyy-MM-dd} {today.AddDays(-1):yyyy-MM-dd} {zone.Id} yesterday to {Instant(new DateTimeOffset(yesterdayTo, TimeSpan.Zero))} "
            + $"until {Instant(StartOfDay(today.AddDays(1), zone))} | {string.Join(" ", figures)}";
    }

    public static string DescribeOverview(JsonElement o)
    {
        var figures = new[] { "calls", "answered", "appointments", "revenueCents", "averageDurationSeconds" }.Select(f =>
        {
            var c = o.GetProperty(f);
            return $"{N(c.GetProperty("today"))}/{N(c.GetProperty("yesterday"))}/{N(c.GetProperty("change"))}/{N(c.GetProperty("changePercent"))}";
        });
        return $"{o.GetProperty("today").GetString()} {o.GetProperty("yesterday").GetString()} {o.GetProperty("timeZone").GetString()} yesterday to {Instant(o.GetProperty("yesterdayUpTo"))} "
            + $"until {Instant(o.GetProperty("validUntil"))} | {string.Join(" ", figures)}";
    }

    /// <summary>
    /// <c>live_calls</c> at <paramref name="now"/>: per branch (every branch, by name in ordinal order), calls ongoing that
    /// started within the last four hours, and calls started in the last 15 minutes; and their sums. A start up to five
    /// minutes after <paramref name="now"/> counts (a sender's clock ahead of ours, as far as the write API accepts).
    /// </summary>
    public static string LiveCalls(Rows rows, DateTimeOffset now)
    {
        var to = now.UtcDateTime;
        var until = to.AddMinutes(5);
        var branches = rows.Branches
            .OrderBy(b => b.Value, StringComparer.Ordinal).ThenBy(b => b.Key)
            .Select(b => (
                b.Key,
                b.Value,
                Ongoing: rows.Calls.Count(c => c.BranchId == b.Key && c.Status == CallStatus.Ongoing && c.StartedAt > to - OngoingHorizon && c.StartedAt <= until),
                Recent: rows.Calls.Count(c => c.BranchId == b.Key && c.StartedAt > to - RecentWindow && c.StartedAt <= until)))
            .ToList();
        return $"ongoing {branches.Sum(b => b.Ongoing)} last15 {branches.Sum(b => b.Recent)} | "
            + string.Join(", ", branches.Select(b => $"{b.Key} {b.Value} {b.Ongoing}/{b.Recent}"));
    }

    public static string DescribeLiveCalls(JsonElement l) =>
        $"ongoing {l.GetProperty("ongoing").GetInt32()} last15 {l.GetProperty("callsLast15Minutes").GetInt32()} | "
        + string.Join(", ", l.GetProperty("branches").EnumerateArray().Select(b =>
            $"{b.GetProperty("branchId").GetInt32()} {b.GetProperty("name").GetString()} {b.GetProperty("ongoing").GetInt32()}/{b.GetProperty("callsLast15Minutes").GetInt32()}"));

    /// <summary>
    /// <c>recent_calls</c> at <paramref name="now"/>: the 20 latest calls started by then (newest first, the higher id
    /// first at the same instant) with their fields; an ongoing call older than four hours has no recorded end.
    /// </summary>
    public static string RecentCalls(Rows rows, DateTimeOffset now, DateTimeOffset? upTo = null)
    {
        var to = now.UtcDateTime;
        var until = (upTo ?? now).UtcDateTime;
        return string.Join("\n", rows.Calls
            .Where(c => c.StartedAt <= until)
            .OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id)
            .Take(20)
            .Select(c =>
            {
                var outcome = c.AppointmentBooked ? "appointment_booked" : c.Status switch
                {
                    CallStatus.Ongoing when c.StartedAt > to - OngoingHorizon => "in_progress",
                    CallStatus.Ongoing => "no_end_recorded",
                    CallStatus.Completed => "handled",
                    CallStatus.Missed => "missed",
                    _ => "failed",
                };
                var customer = c.CustomerId is { } id ? rows.Customers[id] : "null";
                var sentiment = c.Sentiment is { } s ? N(s) : "null";
                return $"{c.Id} {Instant(new DateTimeOffset(DateTime.SpecifyKind(c.StartedAt, DateTimeKind.Utc)))} {c.Direction.ToString().ToLowerInvariant()} "
                    + $"{c.Status.ToString().ToLowerInvariant()} {outcome} {c.DurationSeconds}s {customer} @ {rows.Branches[c.BranchId]} {sentiment}";
            }));
    }

    public static string DescribeRecentCalls(JsonElement r) =>
        string.Join("\n", r.GetProperty("calls").EnumerateArray().Select(c =>
            $"{c.GetProperty("id").GetInt64()} {Instant(c.GetProperty("startedAt"))} {c.GetProperty("direction").GetString()} "
            + $"{c.GetProperty("status").GetString()} {c.GetProperty("outcome").GetString()} {c.GetProperty("durationSeconds").GetInt32()}s "
            + $"{c.GetProperty("customerName").GetString() ?? "null"} @ {c.GetProperty("branchName").GetString()} {N(c.GetProperty("sentiment"))}"));

    /// <summary>A company's rows: its calls, appointments, branch names and customer names.</summary>
    public sealed record Rows(
        IReadOnlyList<Call> Calls,
        IReadOnlyList<Appointment> Appointments,
        IReadOnlyDictionary<int, string> Branches,
        IReadOnlyDictionary<int, string> Customers)
    {
        /// <summary>Reads every row of a company from the database.</summary>
        public static async Task<Rows> LoadAsync(IServiceProvider services, int companyId)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            return new Rows(
                await db.Calls.AsNoTracking().Where(c => c.CompanyId == companyId).ToListAsync(),
                await db.Appointments.AsNoTracking().Where(a => a.CompanyId == companyId).ToListAsync(),
                await db.Branches.AsNoTracking().Where(b => b.CompanyId == companyId).ToDictionaryAsync(b => b.Id, b => b.Name),
                await db.Customers.AsNoTracking().Where(c => c.CompanyId == companyId).ToDictionaryAsync(c => c.Id, c => c.Name));
        }
    }
}
