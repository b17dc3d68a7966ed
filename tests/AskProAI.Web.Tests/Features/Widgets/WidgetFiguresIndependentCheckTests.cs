using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Data;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Tests.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// Every figure of every widget, as a manager reads it over HTTP, against a computation from the raw rows
/// (<see cref="IndependentFigures"/>): companies in whole-hour (UTC, Berlin with its DST end), half-hour (Yangon +6:30,
/// Kolkata +5:30, St. John's -2:30) and quarter-hour (Chatham +13:45, whose DST start is in the 30-day window) zones,
/// seeded random calls and appointments over 35 days with rows minutes before and after every local midnight and DST
/// change, ongoing calls on both sides of the four-hour live horizon, branch names that sort differently by ordinal and
/// by number. Rows are written as the clock reaches them (late, like webhooks). The clock stops at mid-day, in the
/// minutes before and after every company's local midnights and around Berlin's DST change; before the second midnight
/// of each zone the pre-hour warm computes the next hour's values ahead, and the values served after midnight must be
/// for the new day. On SQLite and PostgreSQL.
/// </summary>
public abstract class WidgetFiguresIndependentCheckTests(WidgetFiguresIndependentCheckTests.Fixture app)
{
    private const int Seed = 1717;

    /// <summary>Berlin goes back an hour on Oct 26 (03:00 CEST is 02:00 CET, at 01:00 UTC).</summary>
    private static readonly DateTimeOffset BerlinDstEnd = new(2025, 10, 26, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Oct 25, 09:00 UTC: mid-day in Berlin, just before Chatham's midnight (10:15 UTC).</summary>
    private static readonly DateTimeOffset Start = new(2025, 10, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Zones = ["Europe/Berlin", "Asia/Yangon", "America/St_Johns", "Asia/Kolkata", "UTC", "Pacific/Chatham"];

    /// <summary>Ordinal: "Branch 10" &lt; "Branch 2" &lt; "Branch 9" &lt; "Zentrum" &lt; "branch 1" &lt; "Ärztehaus"; not so by number or culture.</summary>
    private static readonly string[] BranchNames = ["Branch 10", "Branch 9", "Branch 2", "branch 1", "Ärztehaus", "Zentrum"];

    private readonly Dictionary<int, (HttpClient Client, DateTimeOffset At)> _clients = [];
    private readonly List<(DateTime At, TestCompany Company, object Row)> _pending = [];
    private readonly Random _random = new(Seed);

    [Fact]
    public async Task EveryWidgetFigure_MidDayAfterLocalMidnightsAroundDstAndPrewarmed_MatchesIndependentComputation()
    {
        var companies = await app.CompaniesAsync();
        var events = Timeline(companies);
        var end = events[^1].At.AddMinutes(15);
        foreach (var company in companies)
        {
            Generate(company, Start.AddDays(-35), end, events.Select(e => e.At));
        }

        await WriteDueRowsAsync();
        await CheckAllAsync(companies, "mid-day at the start");
        foreach (var e in events)
        {
            if (e.MidnightOf is not { } company)
            {
                MoveTo(e.At);
                await WriteDueRowsAsync();
                await CheckAllAsync(companies, e.What);
                continue;
            }

            var midnight = IndependentFigures.StartOfDay(IndependentFigures.Today(e.At, company.Zone), company.Zone);
            var bucket = new DateTimeOffset(midnight.UtcTicks - (midnight.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            var warmed = e.Prewarm && app.Time.GetUtcNow() < bucket.AddMinutes(-5);
            if (warmed)
            {
                // As at minute 55: the hour's values are cached and every company active, then the next hour is computed ahead.
                MoveTo(bucket.AddMinutes(-5));
                await WriteDueRowsAsync();
                await CheckAllAsync(companies, $"{e.What}: before the pre-hour warm");
                await PreHourWarmAsync(bucket, companies.Count);
                MoveTo(midnight.AddMinutes(-1));
                await CheckAllAsync(companies, $"{e.What}: a minute before midnight, pre-warmed");
            }
            else
            {
                MoveTo(midnight.AddMinutes(-2));
                await WriteDueRowsAsync();
                await CheckAllAsync(companies, $"{e.What}: two minutes before midnight");
            }

            if (warmed && bucket == midnight)
            {
                // Midnight on the hour, in the minute the values computed ahead stay fresh into: they are the ones
                // served (a statistics value computed at :55 is fresh until a minute into its hour), for the new day.
                MoveTo(midnight.AddSeconds(30));
                var served = await CheckAllAsync(companies, $"{e.What}: 30 s after midnight, pre-warmed");
                foreach (var widget in new[] { "dashboard_stats", "stats_overview" })
                {
                    var value = served[company.Id].GetProperty(widget);
                    Assert.True(
                        value.GetProperty("cache").GetString() == "HIT" && value.GetProperty("data").GetProperty("asOf").GetDateTimeOffset() == bucket,
                        $"{e.What}: {widget} of company {company.Id} is not the pre-warmed value: {value}");
                }
            }

            // Minutes after midnight with nothing written since: what was cached (or computed ahead) for the old day must not be served.
            MoveTo(e.At);
            await CheckAllAsync(companies, $"{e.What}: after midnight, nothing written since");
            await WriteDueRowsAsync();
            await CheckAllAsync(companies, $"{e.What}: after midnight, late rows written");
        }
    }

    /// <summary>
    /// The instants to check, in order: each company's next two local midnights plus 1-10 minutes (the second one
    /// pre-warmed), around Berlin's DST end (before, in the repeated hour, after) and mid-day.
    /// </summary>
    private List<Event> Timeline(IReadOnlyList<TestCompany> companies)
    {
        var events = new List<Event>
        {
            new(BerlinDstEnd.AddSeconds(-30), null, false, "30 s before Berlin's DST end"),
            new(BerlinDstEnd.AddSeconds(30), null, false, "30 s after Berlin's DST end (02:00:30 CET)"),
            new(BerlinDstEnd.AddMinutes(30), null, false, "02:30 CET, the repeated half hour in Berlin"),
            new(new DateTimeOffset(2025, 10, 26, 12, 0, 0, TimeSpan.Zero), null, false, "mid-day after Berlin's DST end"),
        };
        foreach (var company in companies)
        {
            var today = IndependentFigures.Today(Start, company.Zone);
            for (var i = 1; i <= 2; i++)
            {
                var midnight = IndependentFigures.StartOfDay(today.AddDays(i), company.Zone);
                var at = midnight.AddMinutes(_random.Next(1, 10)).AddSeconds(_random.Next(0, 60));
                events.Add(new(at, company, Prewarm: i == 2, $"{at:u}, {at.ToOffset(company.Zone.GetUtcOffset(at)):HH:mm:ss} in {company.Zone.Id}{(i == 2 ? " (pre-warmed)" : string.Empty)}"));
            }
        }

        return [.. events.OrderBy(e => e.At)];
    }

    /// <summary>
    /// A company's rows from <paramref name="from"/> to <paramref name="to"/>, kept pending until the clock reaches them:
    /// random calls and appointments, rows within ten minutes of every local midnight and zone change, and near each
    /// check instant calls in the last 15 minutes and ongoing calls either side of the four-hour horizon.
    /// </summary>
    private void Generate(TestCompany company, DateTimeOffset from, DateTimeOffset to, IEnumerable<DateTimeOffset> checks)
    {
        var span = (int)(to - from).TotalSeconds;
        DateTime Random() => from.UtcDateTime.AddSeconds(_random.Next(span));
        DateTime Near(DateTimeOffset at) => at.UtcDateTime.AddSeconds(_random.Next(-600, 600));

        for (var i = 0; i < 220; i++)
        {
            AddCall(company, Random(), status: null);
        }

        for (var i = 0; i < 100; i++)
        {
            AddAppointment(company, Random());
        }

        var edges = new List<DateTimeOffset>();
        for (var day = IndependentFigures.Today(from, company.Zone); IndependentFigures.StartOfDay(day, company.Zone) < to; day = day.AddDays(1))
        {
            edges.Add(IndependentFigures.StartOfDay(day, company.Zone));
        }

        for (var t = from; t < to; t = t.AddMinutes(15))
        {
            if (company.Zone.GetUtcOffset(t) != company.Zone.GetUtcOffset(t.AddMinutes(15)))
            {
                edges.Add(t.AddMinutes(15));
            }
        }

        foreach (var edge in edges)
        {
            AddCall(company, edge.UtcDateTime.AddSeconds(-_random.Next(1, 600)), status: null);
            AddCall(company, edge.UtcDateTime.AddSeconds(_random.Next(0, 600)), status: null);
            AddAppointment(company, Near(edge));
        }

        foreach (var check in checks)
        {
            AddCall(company, check.UtcDateTime.AddSeconds(-_random.Next(0, 1200)), status: null);
            AddCall(company, check.AddHours(-4).UtcDateTime.AddSeconds(_random.Next(-300, 300)), CallStatus.Ongoing);
        }

        for (var i = 0; i < 15; i++)
        {
            AddCall(company, Random(), CallStatus.Ongoing);
        }
    }

    private void AddCall(TestCompany company, DateTime startedAt, CallStatus? status)
    {
        var roll = _random.Next(100);
        var s = status ?? (roll < 55 ? CallStatus.Completed : roll < 75 ? CallStatus.Missed : roll < 87 ? CallStatus.Failed : CallStatus.Ongoing);
        var duration = s == CallStatus.Completed ? _random.Next(5, 1200) : 0;
        _pending.Add((startedAt, company, new Call
        {
            CompanyId = company.Id,
            BranchId = company.Branches[Weighted()],
            CustomerId = _random.Next(4) == 0 ? null : company.Customers[_random.Next(company.Customers.Length)],
            Direction = _random.Next(5) == 0 ? CallDirection.Outbound : CallDirection.Inbound,
            Status = s,
            StartedAt = startedAt,
            EndedAt = s == CallStatus.Ongoing ? null : startedAt.AddSeconds(duration),
            DurationSeconds = duration,
            CostCents = duration / 6,
            Sentiment = _random.Next(3) == 0 ? null : Math.Round((_random.NextDouble() * 2) - 1, 2),
            AppointmentBooked = s is CallStatus.Completed or CallStatus.Ongoing && _random.Next(3) == 0,
        }));
    }

    private void AddAppointment(TestCompany company, DateTime createdAt) =>
        _pending.Add((createdAt, company, new Appointment
        {
            CompanyId = company.Id,
            BranchId = company.Branches[Weighted()],
            StaffId = company.Staff,
            CustomerId = company.Customers[_random.Next(company.Customers.Length)],
            StartsAt = createdAt.AddDays(2),
            Status = (AppointmentStatus)_random.Next(4),
            PriceCents = (_random.Next(1, 300) * 100) + _random.Next(100),
            CreatedAt = createdAt,
        }));

    /// <summary>A branch index, some branches far busier than others (so the top five is a real ranking).</summary>
    private int Weighted() => _random.Next(16) switch
    {
        < 5 => 0,
        < 6 => 1,
        < 9 => 2,
        < 11 => 3,
        < 15 => 4,
        _ => 5,
    };

    /// <summary>Writes the pending rows the clock has reached, in one transaction (the service invalidates what they touch).</summary>
    private async Task WriteDueRowsAsync()
    {
        var now = app.Time.GetUtcNow().UtcDateTime;
        var due = _pending.Where(p => p.At <= now).ToList();
        if (due.Count == 0)
        {
            return;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            db.AddRange(due.Select(d => d.Row));
            await db.SaveChangesAsync();
        }

        foreach (var d in due)
        {
            switch (d.Row)
            {
                case Call call:
                    d.Company.Calls.Add(call);
                    break;
                case Appointment appointment:
                    d.Company.Appointments.Add(appointment);
                    break;
            }
        }

        _pending.RemoveAll(p => p.At <= now);
    }

    private void MoveTo(DateTimeOffset at)
    {
        if (at > app.Time.GetUtcNow())
        {
            app.Time.SetUtcNow(at);
        }
    }

    /// <summary>The pre-hour warm of the next hour bucket for the active companies, as the scheduler runs it at minute 55.</summary>
    private async Task PreHourWarmAsync(DateTimeOffset bucket, int companies)
    {
        var job = await app.Services.GetRequiredService<CacheWarmer>().RunPreHourAsync(bucket, app.Time.GetUtcNow(), CancellationToken.None);
        Assert.NotNull(job);
        Assert.Equal(companies, job.Companies);
        await CacheWarmScheduleTests.WaitAsync(() => job.IsFinished);
        Assert.Equal((job.Total, 0), (job.Completed, job.Failed));
    }

    /// <summary>
    /// Reads every company's dashboard as its manager and compares each widget with the computation from the rows
    /// written so far, at the instant the value says it is for: at most the tier's TTL before now (twice, for a previous
    /// bucket's value served on rollover) and, for the widgets of local days, today's in the company's zone.
    /// </summary>
    private async Task<Dictionary<int, JsonElement>> CheckAllAsync(IReadOnlyList<TestCompany> companies, string context)
    {
        var options = app.Services.GetRequiredService<IOptions<WidgetCacheOptions>>().Value;
        var now = app.Time.GetUtcNow();
        var served = new Dictionary<int, JsonElement>();
        foreach (var company in companies)
        {
            using var response = await (await ClientAsync(company)).GetAsync($"/api/companies/{company.Id}/dashboard");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var widgets = (await Json.ReadAsync(response)).GetProperty("widgets");
            served[company.Id] = widgets;
            var rows = new IndependentFigures.Rows(company.Calls, company.Appointments, company.BranchNames, company.CustomerNames);
            var where = $"{context} (now {now:u}, {now.ToOffset(company.Zone.GetUtcOffset(now)):yyyy-MM-dd HH:mm:ss} in {company.Zone.Id}, company {company.Id}, seed {Seed})";

            DateTimeOffset AsOf(string widget, TimeSpan ttl, bool daily = true)
            {
                var asOf = widgets.GetProperty(widget).GetProperty("data").GetProperty("asOf").GetDateTimeOffset();
                Assert.True(asOf <= now && now - asOf <= 2 * ttl, $"{where}: {widget} is for {asOf:u}");
                Assert.True(
                    !daily || IndependentFigures.Today(asOf, company.Zone) == IndependentFigures.Today(now, company.Zone),
                    $"{where}: {widget} is for {asOf:u}, local day {IndependentFigures.Today(asOf, company.Zone)}, not today");
                return asOf;
            }

            void Same(string widget, string expected, string actual) =>
                Assert.True(expected == actual, $"{where}: {widget}\nexpected {expected}\nactual   {actual}");

            var stats = widgets.GetProperty("dashboard_stats").GetProperty("data");
            Same("dashboard_stats", IndependentFigures.DashboardStats(rows, company.Zone, AsOf("dashboard_stats", options.Heavy.Ttl)), IndependentFigures.DescribeDashboardStats(stats));
            var overview = widgets.GetProperty("stats_overview").GetProperty("data");
            Same("stats_overview", IndependentFigures.Overview(rows, company.Zone, AsOf("stats_overview", options.Statistics.Ttl), now), IndependentFigures.DescribeOverview(overview));
            var live = widgets.GetProperty("live_calls").GetProperty("data");
            Same("live_calls", IndependentFigures.LiveCalls(rows, AsOf("live_calls", options.Live.Ttl, daily: false)), IndependentFigures.DescribeLiveCalls(live));

            // recent_calls carries no instant of its own. Entries are kept per hour bucket, so a hit computed before this
            // hour began was computed ahead for it, as of its start; any other value is as of its computation.
            var recent = widgets.GetProperty("recent_calls");
            var computedAt = recent.GetProperty("computedAt").GetDateTimeOffset();
            var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            var recentAt = computedAt < hour && recent.GetProperty("cache").GetString() != "STALE" ? hour : computedAt;
            Assert.True(now - recentAt <= 2 * options.Statistics.Ttl, $"{where}: recent_calls computed at {computedAt:u}");
            Same("recent_calls", IndependentFigures.RecentCalls(rows, recentAt, now), IndependentFigures.DescribeRecentCalls(recent.GetProperty("data")));
        }

        return served;
    }

    /// <summary>A client of the company's manager with a token that is not expired on the fake clock (tokens last an hour).</summary>
    private async Task<HttpClient> ClientAsync(TestCompany company)
    {
        var now = app.Time.GetUtcNow();
        if (_clients.TryGetValue(company.Id, out var known) && now - known.At < TimeSpan.FromMinutes(30))
        {
            return known.Client;
        }

        known.Client?.Dispose();
        using var anonymous = app.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = company.ManagerEmail, password = TestData.Password });
        response.EnsureSuccessStatusCode();
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await Json.ReadAsync(response)).GetProperty("accessToken").GetString());
        _clients[company.Id] = (client, now);
        return client;
    }

    private sealed record Event(DateTimeOffset At, TestCompany? MidnightOf, bool Prewarm, string What);

    /// <summary>A company of the test, its manager, the rows it can reference and the rows written so far.</summary>
    public sealed record TestCompany(int Id, TimeZoneInfo Zone, string ManagerEmail, int[] Branches, int Staff, int[] Customers)
    {
        public Dictionary<int, string> BranchNames { get; } = [];

        public Dictionary<int, string> CustomerNames { get; } = [];

        public List<Call> Calls { get; } = [];

        public List<Appointment> Appointments { get; } = [];
    }

    /// <summary>The service with one company per zone (six branches, a staff member, three customers, a manager), warm jobs off.</summary>
    public class Fixture : WebAppFixture
    {
        private List<TestCompany>? _companies;

        protected Fixture(TestDatabaseProvider provider)
            : base(provider)
        {
            // Set before the host starts: a later jump of weeks would fire every periodic timer once per period missed.
            Time.SetUtcNow(Start);
        }

        public async Task<IReadOnlyList<TestCompany>> CompaniesAsync()
        {
            if (_companies is not null)
            {
                return _companies;
            }

            _companies = [];
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            foreach (var zone in Zones)
            {
                var company = new Company { Name = "Figures " + zone, TimeZone = zone, CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
                db.Companies.Add(company);
                await db.SaveChangesAsync();
                var branches = BranchNames.Select(name => new Branch { CompanyId = company.Id, Name = name, City = "City" }).ToList();
                db.Branches.AddRange(branches);
                await db.SaveChangesAsync();
                var staff = new StaffMember { CompanyId = company.Id, BranchId = branches[0].Id, Name = "Staff" };
                var customers = new[] { "Anna Schmidt", "Ben Weber", "Çağla Öztürk" }
                    .Select((name, i) => new Customer { CompanyId = company.Id, Name = name, Phone = $"+49{company.Id}{i}" })
                    .ToList();
                db.Staff.Add(staff);
                db.Customers.AddRange(customers);
                await db.SaveChangesAsync();

                var email = $"figures{company.Id}@example.test";
                var created = await users.CreateAsync(new AppUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = company.Id }, TestData.Password);
                Assert.True(created.Succeeded, string.Join("; ", created.Errors.Select(e => e.Description)));

                var test = new TestCompany(company.Id, TimeZoneInfo.FindSystemTimeZoneById(zone), email, [.. branches.Select(b => b.Id)], staff.Id, [.. customers.Select(c => c.Id)]);
                foreach (var b in branches)
                {
                    test.BranchNames[b.Id] = b.Name;
                }

                foreach (var c in customers)
                {
                    test.CustomerNames[c.Id] = c.Name;
                }

                _companies.Add(test);
            }

            return _companies;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);

            // The test runs the pre-hour warm itself, at the minutes it chooses; the schedules would race with its reads.
            builder.UseSetting("Cache:Warm:Enabled", "false");
            builder.UseSetting("Cache:Warm:PreHourEnabled", "false");
        }
    }

    public sealed class Sqlite(Sqlite.F app) : WidgetFiguresIndependentCheckTests(app), IClassFixture<Sqlite.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.F app) : WidgetFiguresIndependentCheckTests(app), IClassFixture<PostgreSql.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql);
    }
}
