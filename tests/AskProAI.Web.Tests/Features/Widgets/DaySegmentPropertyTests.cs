using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// The day-segment proof: random sequences of creates, late events, edits (a call moved to another day, booked or not,
/// another branch), deletes and appointments, with the clock moving across local midnights (landing in the minutes
/// after them), half-hour zones (Yangon +6:30, St. John's -3:30/-2:30), a quarter-hour zone (Kathmandu +5:45) and DST
/// changes (Berlin, St. John's, Santiago whose midnight is skipped). After every step, every company's cached
/// <c>dashboard_stats</c> equals a from-scratch computation from the raw rows (<see cref="IndependentFigures"/>), and its date
/// agrees with <c>stats_overview</c>'s; <c>stats_overview</c>, <c>live_calls</c> and <c>recent_calls</c> equal theirs too.
/// The updates (ends, edits) and deletes are applied to the cached values, not invalidated (ADR 0022): the run fails when
/// none of them reached a cached value. On SQLite and PostgreSQL.
/// </summary>
public abstract class DaySegmentPropertyTests(DaySegmentPropertyTests.Fixture app)
{
    private const int Seed = 1414;
    private const int Steps = 30;

    /// <summary>Santiago skips midnight on Sep 7 (00:00 becomes 01:00, 04:00 UTC).</summary>
    private static readonly DateTimeOffset BeforeSantiagoDst = new(2025, 9, 6, 20, 0, 0, TimeSpan.Zero);

    /// <summary>Berlin goes back an hour on Oct 26 (01:00 UTC).</summary>
    private static readonly DateTimeOffset BeforeBerlinDstEnd = new(2025, 10, 25, 18, 0, 0, TimeSpan.Zero);

    /// <summary>St. John's goes back an hour on Nov 2 (-2:30 to -3:30 at 04:30 UTC).</summary>
    private static readonly DateTimeOffset BeforeStJohnsDstEnd = new(2025, 11, 1, 22, 0, 0, TimeSpan.Zero);

    private static readonly string[] Zones = ["Asia/Yangon", "America/St_Johns", "Europe/Berlin", "Asia/Kathmandu", "America/Santiago", "UTC"];

    [Fact]
    public async Task RandomWrites_AcrossMidnightsZonesAndDst_CachedValueEqualsFromScratch()
    {
        var random = new Random(Seed + app.Time.GetUtcNow().DayOfYear);
        var companies = await app.CompaniesAsync();

        // Closed days in the window, so that the cache has something to keep and writes have days to touch.
        foreach (var company in companies)
        {
            await AddOldCallsAsync(company, random, 12);
        }

        await CheckAllAsync(await ClientAsync(), companies, "start");
        var cache = app.Services.GetRequiredService<IWidgetCache>();
        long Applied() => cache.GetStatistics().Widgets.Sum(w => w.ChangesApplied);
        var (updates, appliedOnUpdates) = (0, 0L);
        for (var step = 0; step < Steps; step++)
        {
            var company = companies[random.Next(companies.Count)];
            var applied = Applied();
            var what = await StepAsync(await ClientAsync(), company, random);
            if (what is "late end" or "flip booked" or "change branch" or "move call" or "delete")
            {
                updates++;
                appliedOnUpdates += Applied() - applied;
            }

            await CheckAllAsync(await ClientAsync(), companies, $"step {step} ({what}, company {company.Id} {company.Zone.Id}, now {app.Time.GetUtcNow():u}, seed {Seed})");
        }

        // Every widget value was read after the previous step, so an update finds them cached; before ADR 0022 every
        // update and delete invalidated them (0 applied).
        Assert.True(updates == 0 || appliedOnUpdates > 0, $"{updates} updates and deletes, {appliedOnUpdates} changes applied to cached values");
    }

    /// <summary>A client with a bearer token that is not expired on the fake clock (tokens last an hour).</summary>
    private Task<HttpClient> ClientAsync() => (_admin ??= new FakeClockAdminClient(app)).GetAsync();

    private FakeClockAdminClient? _admin;

    private async Task<string> StepAsync(HttpClient client, TestCompany company, Random random)
    {
        var now = app.Time.GetUtcNow();
        switch (random.Next(10))
        {
            case 0:
            case 1:
            {
                // A new call now (or a little earlier), through the API.
                var startedAt = now.AddMinutes(-random.Next(0, 90));
                using var response = await client.PostAsJsonAsync(
                    $"/api/companies/{company.Id}/calls",
                    new { branchId = company.Branches[random.Next(company.Branches.Length)], direction = "Inbound", startedAt });
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                return "create";
            }

            case 2:
            {
                // A late event: an ongoing call (today's or one from days ago) ends, maybe booked, through the API.
                var id = await PickCallAsync(company.Id, random, c => c.Status == CallStatus.Ongoing);
                if (id is null)
                {
                    await AddOldCallsAsync(company, random, 1, ongoing: true);
                    return "old ongoing call";
                }

                // The event reports when the call ended: the API refuses an end more than a day after the start.
                DateTime startedAt;
                await using (var scope = app.Services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                    startedAt = await db.Calls.Where(c => c.Id == id).Select(c => c.StartedAt).SingleAsync();
                }

                var status = new[] { "Completed", "Missed", "Failed" }[random.Next(3)];
                var sinceStart = (int)Math.Max(0, (now.UtcDateTime - startedAt).TotalSeconds);
                var durationSeconds = status == "Completed" ? Math.Min(random.Next(10, 900), sinceStart) : 0;
                var endedAt = new DateTimeOffset(DateTime.SpecifyKind(startedAt, DateTimeKind.Utc)).AddSeconds(Math.Min(sinceStart, durationSeconds + random.Next(0, 60)));
                using var response = await client.PatchAsJsonAsync(
                    $"/api/companies/{company.Id}/calls/{id}",
                    new { status, endedAt, durationSeconds, appointmentBooked = status == "Completed" && random.Next(2) == 0 });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return "late end";
            }

            case 3:
                return await EditAsync(company.Id, random, (c, r) =>
                {
                    // Moved to another day of the window (or out of it), never into the future.
                    var moved = now.UtcDateTime.AddMinutes(-r.Next(0, 33 * 24 * 60));
                    c.StartedAt = moved;
                }, "move call");
            case 4:
                return await EditAsync(company.Id, random, (c, _) => c.AppointmentBooked = !c.AppointmentBooked, "flip booked");
            case 5:
                return await EditAsync(company.Id, random, (c, r) => c.BranchId = company.Branches[r.Next(company.Branches.Length)], "change branch");
            case 6:
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                var id = await PickCallAsync(company.Id, random, _ => true);
                if (id is null)
                {
                    return "nothing to delete";
                }

                db.Calls.Remove(await db.Calls.SingleAsync(c => c.Id == id));
                await db.SaveChangesAsync();
                return "delete";
            }

            case 7:
                await AddAppointmentAsync(company, random);
                return "appointment";
            case 8:
            {
                // Minutes after the next local midnight of a random company: the boundary every cached value must respect.
                var zone = TimeZoneInfo.FindSystemTimeZoneById(Zones[random.Next(Zones.Length)]);
                var local = TimeZoneInfo.ConvertTime(now, zone);
                var nextMidnight = IndependentFigures.StartOfDay(DateOnly.FromDateTime(local.DateTime).AddDays(1), zone);
                app.Time.SetUtcNow(nextMidnight.AddMinutes(random.Next(0, 6)).AddSeconds(random.Next(0, 60)));
                return $"to midnight in {zone.Id}";
            }

            default:
                app.Time.Advance(TimeSpan.FromMinutes(random.Next(1, 600)));
                return "time passes";
        }
    }

    private async Task CheckAllAsync(HttpClient client, IReadOnlyList<TestCompany> companies, string context)
    {
        foreach (var company in companies)
        {
            var now = app.Time.GetUtcNow();
            var stats = await GetAsync(client, company.Id, "dashboard_stats");
            var rows = await IndependentFigures.Rows.LoadAsync(app.Services, company.Id);
            var expected = IndependentFigures.DashboardStats(rows, company.Zone, now);
            var actual = IndependentFigures.DescribeDashboardStats(stats);
            Assert.True(expected == actual, $"{context}: dashboard_stats of company {company.Id} ({company.Zone.Id})\nexpected {expected}\nactual   {actual}");

            var overview = await GetAsync(client, company.Id, "stats_overview");
            Assert.True(
                overview.GetProperty("today").GetString() == stats.GetProperty("to").GetString(),
                $"{context}: stats_overview says today is {overview.GetProperty("today")}, dashboard_stats {stats.GetProperty("to")} (company {company.Id})");
            var asOf = overview.GetProperty("asOf").GetDateTimeOffset();
            var expectedOverview = IndependentFigures.Overview(rows, company.Zone, asOf, now);
            var actualOverview = IndependentFigures.DescribeOverview(overview);
            Assert.True(expectedOverview == actualOverview, $"{context}: stats_overview of company {company.Id} ({company.Zone.Id})\nexpected {expectedOverview}\nactual   {actualOverview}");

            var live = await GetAsync(client, company.Id, "live_calls");
            var expectedLive = IndependentFigures.LiveCalls(rows, live.GetProperty("asOf").GetDateTimeOffset());
            var actualLive = IndependentFigures.DescribeLiveCalls(live);
            Assert.True(expectedLive == actualLive, $"{context}: live_calls of company {company.Id}\nexpected {expectedLive}\nactual   {actualLive}");

            // recent_calls carries no instant of its own: as WidgetFiguresIndependentCheckTests, a hit computed before this
            // hour began was computed ahead for it, as of its start; any other value is as of its computation.
            using var dashboard = await client.GetAsync($"/api/companies/{company.Id}/dashboard");
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            var recent = (await Json.ReadAsync(dashboard)).GetProperty("widgets").GetProperty("recent_calls");
            var computedAt = recent.GetProperty("computedAt").GetDateTimeOffset();
            var hour = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero);
            var recentAt = computedAt < hour && recent.GetProperty("cache").GetString() != "STALE" ? hour : computedAt;
            var expectedRecent = IndependentFigures.RecentCalls(rows, recentAt, now);
            var actualRecent = IndependentFigures.DescribeRecentCalls(recent.GetProperty("data"));
            Assert.True(expectedRecent == actualRecent, $"{context}: recent_calls of company {company.Id}\nexpected {expectedRecent}\nactual   {actualRecent}");
        }
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, int companyId, string widget)
    {
        using var response = await client.GetAsync($"/api/companies/{companyId}/widgets/{widget}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    private async Task<long?> PickCallAsync(int companyId, Random random, Func<Call, bool> filter)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var ids = (await db.Calls.AsNoTracking().Where(c => c.CompanyId == companyId).OrderBy(c => c.Id).ToListAsync()).Where(filter).Select(c => c.Id).ToList();
        return ids.Count == 0 ? null : ids[random.Next(ids.Count)];
    }

    private async Task<string> EditAsync(int companyId, Random random, Action<Call, Random> edit, string what)
    {
        var id = await PickCallAsync(companyId, random, _ => true);
        if (id is null)
        {
            return "nothing to edit";
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var call = await db.Calls.SingleAsync(c => c.Id == id);
        edit(call, random);
        await db.SaveChangesAsync();
        return what;
    }

    private async Task AddOldCallsAsync(TestCompany company, Random random, int count, bool ongoing = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var now = app.Time.GetUtcNow().UtcDateTime;
        for (var i = 0; i < count; i++)
        {
            var status = ongoing ? CallStatus.Ongoing : (CallStatus)random.Next(0, 4);
            db.Calls.Add(new Call
            {
                CompanyId = company.Id,
                BranchId = company.Branches[random.Next(company.Branches.Length)],
                Direction = CallDirection.Inbound,
                Status = status,
                StartedAt = now.AddMinutes(-random.Next(1, 32 * 24 * 60)),
                DurationSeconds = status == CallStatus.Completed ? random.Next(10, 900) : 0,
                AppointmentBooked = status == CallStatus.Completed && random.Next(3) == 0,
            });
        }

        await db.SaveChangesAsync();
    }

    private async Task AddAppointmentAsync(TestCompany company, Random random)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var existing = await db.Appointments.Where(a => a.CompanyId == company.Id).OrderBy(a => a.Id).ToListAsync();
        if (existing.Count > 0 && random.Next(3) == 0)
        {
            // A status change (revenue counts scheduled and completed only) of an appointment booked on some earlier day.
            existing[random.Next(existing.Count)].Status = (AppointmentStatus)random.Next(0, 4);
        }
        else
        {
            db.Appointments.Add(new Appointment
            {
                CompanyId = company.Id,
                BranchId = company.Branches[0],
                StaffId = company.Staff,
                CustomerId = company.Customer,
                StartsAt = app.Time.GetUtcNow().UtcDateTime.AddDays(2),
                Status = (AppointmentStatus)random.Next(0, 4),
                PriceCents = random.Next(1, 200) * 100,
                CreatedAt = app.Time.GetUtcNow().UtcDateTime.AddMinutes(-random.Next(0, 32 * 24 * 60)),
            });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>A company of the test: its zone and rows it can reference.</summary>
    public sealed record TestCompany(int Id, TimeZoneInfo Zone, int[] Branches, int Staff, int Customer);

    /// <summary>The service with one company per zone, each with three branches, a staff member and a customer.</summary>
    public class Fixture : WebAppFixture
    {
        private List<TestCompany>? _companies;

        protected Fixture(TestDatabaseProvider provider, DateTimeOffset start)
            : base(provider)
        {
            // Set before the host starts: a jump of weeks later would fire every periodic timer once per period missed.
            Time.SetUtcNow(start);
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
            foreach (var zone in Zones)
            {
                var company = new Company { Name = "Zone " + zone, TimeZone = zone, CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
                db.Companies.Add(company);
                await db.SaveChangesAsync();
                var branches = Enumerable.Range(1, 3).Select(i => new Branch { CompanyId = company.Id, Name = $"Branch {i}", City = "City" }).ToList();
                db.Branches.AddRange(branches);
                await db.SaveChangesAsync();
                var staff = new StaffMember { CompanyId = company.Id, BranchId = branches[0].Id, Name = "Staff" };
                var customer = new Customer { CompanyId = company.Id, Name = "Customer", Phone = "+1000" + company.Id };
                db.Staff.Add(staff);
                db.Customers.Add(customer);
                await db.SaveChangesAsync();
                _companies.Add(new TestCompany(company.Id, TimeZoneInfo.FindSystemTimeZoneById(zone), [.. branches.Select(b => b.Id)], staff.Id, customer.Id));
            }

            return _companies;
        }
    }

    public sealed class SqliteSantiago(SqliteSantiago.F app) : DaySegmentPropertyTests(app), IClassFixture<SqliteSantiago.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite, BeforeSantiagoDst);
    }

    public sealed class PostgreSqlSantiago(PostgreSqlSantiago.F app) : DaySegmentPropertyTests(app), IClassFixture<PostgreSqlSantiago.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql, BeforeSantiagoDst);
    }

    public sealed class SqliteBerlin(SqliteBerlin.F app) : DaySegmentPropertyTests(app), IClassFixture<SqliteBerlin.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite, BeforeBerlinDstEnd);
    }

    public sealed class PostgreSqlBerlin(PostgreSqlBerlin.F app) : DaySegmentPropertyTests(app), IClassFixture<PostgreSqlBerlin.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql, BeforeBerlinDstEnd);
    }

    public sealed class SqliteStJohns(SqliteStJohns.F app) : DaySegmentPropertyTests(app), IClassFixture<SqliteStJohns.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite, BeforeStJohnsDstEnd);
    }

    public sealed class PostgreSqlStJohns(PostgreSqlStJohns.F app) : DaySegmentPropertyTests(app), IClassFixture<PostgreSqlStJohns.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql, BeforeStJohnsDstEnd);
    }
}
