using System.Net;
using System.Net.Http.Json;
using AskProAI.Caching;
using AskProAI.Data;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// The roll-forward proof (ADR 0017): <c>live_calls</c> for a new minute is made from the previous minute's value without
/// a query when it can be. Random sequences of new calls (now, minutes ago, hours ago, a sender's clock ahead), calls
/// ending, a call deleted, and the clock moving by seconds to minutes (across many minute boundaries, past the 15-minute
/// window and the five-minute re-read bound); after every step the served value equals a from-scratch count from the raw
/// rows (<see cref="IndependentFigures.LiveCalls"/>). And the mechanism is used: most values for a new minute are made
/// without a query. On SQLite and PostgreSQL.
/// </summary>
public abstract class LiveCallsRollForwardPropertyTests(LiveCallsRollForwardPropertyTests.Fixture app)
{
    private const int Seed = 1616;
    private const int Steps = 120;

    [Fact]
    public async Task RandomCallsAndClockSteps_EveryMinuteEqualsFromScratch_MostMinutesWithoutAQuery()
    {
        var random = new Random(Seed);
        var company = await app.CompanyAsync();
        var metrics = app.Services.GetRequiredService<DatabaseMetrics>();
        var queue = app.Services.GetRequiredService<ICacheWorkQueue>();
        var queriesBefore = metrics.WidgetQueries;
        var values = new HashSet<DateTimeOffset> { await CheckAsync(await ClientAsync(), company, "start") };
        for (var step = 0; step < Steps; step++)
        {
            // Background work (a refresh, the next minute made while the previous is served) finishes before the next
            // step, as it does between a viewer's reads; otherwise how many queries it costs depends on the machine.
            await queue.WhenIdleAsync();
            var what = await StepAsync(await ClientAsync(), company, random);
            await queue.WhenIdleAsync();
            values.Add(await CheckAsync(await ClientAsync(), company, $"step {step} ({what}, now {app.Time.GetUtcNow():u}, seed {Seed})"));
        }

        await queue.WhenIdleAsync();

        // The mechanism is used: without it every value served for a new instant costs at least one query (the widget's
        // only one; 1.3 queries per value with the roll-forward switched off, 0.7 with it), so fewer queries than values
        // can only come from rolled values; and the source is still read (the five-minute bound, writes that invalidate).
        var queries = metrics.WidgetQueries - queriesBefore;
        Assert.True(queries < values.Count, $"{queries} widget queries for {values.Count} values served for distinct instants");
        Assert.True(queries >= 5, $"{queries} widget queries for {values.Count} values served for distinct instants");
    }

    private async Task<string> StepAsync(HttpClient client, TestCompany company, Random random)
    {
        var now = app.Time.GetUtcNow();
        switch (random.Next(16))
        {
            case 0:
            case 1:
            case 2:
            {
                // A new ongoing call: just now, minutes ago, hours ago (inside and outside the live horizon is refused
                // by the API beyond four hours), or up to five minutes ahead (a sender's clock).
                var startedAt = random.Next(4) switch
                {
                    0 => now.AddSeconds(-random.Next(0, 60)),
                    1 => now.AddMinutes(-random.Next(1, 30)),
                    2 => now.AddMinutes(-random.Next(30, 235)),
                    _ => now.AddSeconds(random.Next(1, 290)),
                };
                using var response = await client.PostAsJsonAsync(
                    $"/api/companies/{company.Id}/calls",
                    new { branchId = company.Branches[random.Next(company.Branches.Length)], direction = "Inbound", startedAt });
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"create at {startedAt:u}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return $"create started {startedAt:u}";
            }

            case 3:
            {
                // A finished call recorded late (counts in the 15-minute window when recent, never as ongoing).
                var startedAt = now.AddMinutes(-random.Next(0, 20));
                using var response = await client.PostAsJsonAsync(
                    $"/api/companies/{company.Id}/calls",
                    new { branchId = company.Branches[random.Next(company.Branches.Length)], direction = "Inbound", status = "Missed", startedAt });
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"create missed at {startedAt:u}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return $"missed call started {startedAt:u}";
            }

            case 4:
            {
                // An ongoing call ends (an update: applied to the cached value, ADR 0022).
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                var ongoing = await db.Calls.AsNoTracking()
                    .Where(c => c.CompanyId == company.Id && c.Status == CallStatus.Ongoing)
                    .OrderBy(c => c.Id).Select(c => new { c.Id, c.StartedAt }).ToListAsync();
                var startable = ongoing.Where(c => c.StartedAt <= now.UtcDateTime).ToList();
                if (startable.Count == 0)
                {
                    return "no ongoing call to end";
                }

                var call = startable[random.Next(startable.Count)];
                using var response = await client.PatchAsJsonAsync(
                    $"/api/companies/{company.Id}/calls/{call.Id}",
                    new { status = "Completed", endedAt = now, durationSeconds = (int)Math.Min(600, (now.UtcDateTime - call.StartedAt).TotalSeconds) });
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"end call {call.Id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return $"call {call.Id} ended";
            }

            case 5:
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                var call = await db.Calls.Where(c => c.CompanyId == company.Id).OrderByDescending(c => c.Id).FirstOrDefaultAsync();
                if (call is null)
                {
                    return "nothing to delete";
                }

                db.Calls.Remove(call);
                await db.SaveChangesAsync();
                return $"call {call.Id} deleted";
            }

            case 6:
                // Past the re-read bound and most of the 15-minute window.
                app.Time.Advance(TimeSpan.FromSeconds(random.Next(240, 900)));
                return "minutes pass";
            default:
                // Seconds, as between a viewer's reads: often across one minute boundary, sometimes none.
                app.Time.Advance(TimeSpan.FromSeconds(random.Next(5, 70)));
                return "seconds pass";
        }
    }

    /// <summary>Reads the widget and compares it with the raw rows; answers the instant the value is for.</summary>
    private async Task<DateTimeOffset> CheckAsync(HttpClient client, TestCompany company, string context)
    {
        var now = app.Time.GetUtcNow();
        using var response = await client.GetAsync($"/api/companies/{company.Id}/widgets/live_calls");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var live = await Json.ReadAsync(response);
        var asOf = live.GetProperty("asOf").GetDateTimeOffset();
        var outcome = response.Headers.GetValues("X-Cache").Single();
        Assert.True(asOf <= now && now - asOf < TimeSpan.FromMinutes(2), $"{context}: live_calls is for {asOf:u} ({outcome})");
        var rows = await IndependentFigures.Rows.LoadAsync(app.Services, company.Id);
        var expected = IndependentFigures.LiveCalls(rows, asOf);
        var actual = IndependentFigures.DescribeLiveCalls(live);
        Assert.True(expected == actual, $"{context}: live_calls as of {asOf:u} ({outcome})\nexpected {expected}\nactual   {actual}");
        return asOf;
    }

    /// <summary>A client with a bearer token that is not expired on the fake clock (tokens last an hour).</summary>
    private Task<HttpClient> ClientAsync() => (_admin ??= new FakeClockAdminClient(app)).GetAsync();

    private FakeClockAdminClient? _admin;

    /// <summary>A company of the test and its branches.</summary>
    public sealed record TestCompany(int Id, int[] Branches);

    /// <summary>The service with one company of three branches, the clock at a fixed instant.</summary>
    public class Fixture(TestDatabaseProvider provider) : WebAppFixture(provider)
    {
        private TestCompany? _company;

        public async Task<TestCompany> CompanyAsync()
        {
            if (_company is not null)
            {
                return _company;
            }

            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            var company = new Company { Name = "Rolling", TimeZone = "Europe/Berlin", CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            var branches = Enumerable.Range(1, 3).Select(i => new Branch { CompanyId = company.Id, Name = $"Branch {i}", City = "City" }).ToList();
            db.Branches.AddRange(branches);
            await db.SaveChangesAsync();
            _company = new TestCompany(company.Id, [.. branches.Select(b => b.Id)]);
            return _company;
        }
    }

    public sealed class Sqlite(Sqlite.F app) : LiveCallsRollForwardPropertyTests(app), IClassFixture<Sqlite.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.F app) : LiveCallsRollForwardPropertyTests(app), IClassFixture<PostgreSql.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql);
    }
}
