using System.Net;
using System.Text.Json;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// Each widget's figures against the hand-computed values of <see cref="TestData"/> (now = 2025-08-06 14:30 UTC),
/// on SQLite and on PostgreSQL: the same figures from both providers.
/// </summary>
public abstract class WidgetValueTests(WebAppFixture app)
{
    private async Task<JsonElement> GetWidgetAsync(int companyId, string name)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        using var response = await client.GetAsync($"/api/companies/{companyId}/widgets/{name}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    [Fact]
    public async Task DashboardStats_Company1_MatchesTheLast30BerlinDays()
    {
        var stats = await GetWidgetAsync(1, "dashboard_stats");

        // Window: Jul 8 00:00 Berlin (Jul 7 22:00 UTC) to now; call 108 (Jul 7 21:00 UTC) is outside.
        Assert.Equal("2025-07-08", stats.GetProperty("from").GetString());
        Assert.Equal("2025-08-06", stats.GetProperty("to").GetString());
        Assert.Equal(7, stats.GetProperty("calls").GetInt32());
        Assert.Equal(5, stats.GetProperty("answeredCalls").GetInt32()); // ongoing 101 + completed 102, 104, 105, 107
        Assert.Equal(0.7143, stats.GetProperty("answeredRate").GetDouble());
        Assert.Equal(3, stats.GetProperty("callsWithAppointment").GetInt32()); // 102, 105, 107
        Assert.Equal(0.6, stats.GetProperty("conversionRate").GetDouble()); // 3 of 5 answered
        Assert.Equal(4, stats.GetProperty("appointmentsBooked").GetInt32()); // 1001, 1002, 1003, 1005
        Assert.Equal(13000, stats.GetProperty("revenueCents").GetInt64()); // scheduled 5000 + completed 8000
        Assert.Equal(180, stats.GetProperty("averageDurationSeconds").GetDouble()); // (120 + 300 + 200 + 100) / 4

        var trend = stats.GetProperty("trend").EnumerateArray().ToList();
        Assert.Equal(30, trend.Count);
        Assert.Equal("2025-07-08", trend[0].GetProperty("date").GetString());
        Assert.Equal("2025-08-06", trend[29].GetProperty("date").GetString());
        var byDate = trend.ToDictionary(p => p.GetProperty("date").GetString()!, p => (p.GetProperty("calls").GetInt32(), p.GetProperty("booked").GetInt32()));
        Assert.Equal((4, 1), byDate["2025-08-06"]); // 101, 102, 103 and 104 (01:30 Berlin)
        Assert.Equal((2, 1), byDate["2025-08-05"]); // 105 (23:00 Berlin), 106
        Assert.Equal((1, 1), byDate["2025-07-20"]); // 107
        Assert.Equal(7, byDate.Values.Sum(v => v.Item1));

        var branches = stats.GetProperty("topBranches").EnumerateArray().ToList();
        Assert.Equal(2, branches.Count);
        Assert.Equal("Mitte", branches[0].GetProperty("name").GetString());
        Assert.Equal(4, branches[0].GetProperty("calls").GetInt32()); // 101, 103, 104, 105
        Assert.Equal(1, branches[0].GetProperty("booked").GetInt32());
        Assert.Equal("Nord", branches[1].GetProperty("name").GetString());
        Assert.Equal(3, branches[1].GetProperty("calls").GetInt32()); // 102, 106, 107
        Assert.Equal(2, branches[1].GetProperty("booked").GetInt32());

        // One conversion rate: booked over answered calls, for the headline and each branch alike.
        Assert.Contains("answered calls", stats.GetProperty("conversionRateDefinition").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, branches[0].GetProperty("answeredCalls").GetInt32()); // 101 ongoing, 104, 105
        Assert.Equal(0.3333, branches[0].GetProperty("conversionRate").GetDouble());
        Assert.Equal(2, branches[1].GetProperty("answeredCalls").GetInt32()); // 102, 107
        Assert.Equal(1, branches[1].GetProperty("conversionRate").GetDouble());
    }

    [Fact]
    public async Task LiveCalls_Company1_CountsOngoingAndLast15MinutesPerBranch()
    {
        var live = await GetWidgetAsync(1, "live_calls");

        Assert.Equal(1, live.GetProperty("ongoing").GetInt32()); // 101
        Assert.Equal(2, live.GetProperty("callsLast15Minutes").GetInt32()); // 101 (14:25), 102 (14:20); 103 at 14:10 is older
        var branches = live.GetProperty("branches").EnumerateArray()
            .ToDictionary(b => b.GetProperty("name").GetString()!, b => (b.GetProperty("ongoing").GetInt32(), b.GetProperty("callsLast15Minutes").GetInt32()));
        Assert.Equal(2, branches.Count);
        Assert.Equal((1, 1), branches["Mitte"]);
        Assert.Equal((0, 1), branches["Nord"]);
    }

    [Fact]
    public async Task LiveCalls_BranchNamesInMixedCaseAndWithUmlauts_SameOrderOnEveryProvider()
    {
        // Byte order (SQLite's) differs from a linguistic collation (PostgreSQL's en-US): the database must not decide.
        string[] names = ["nord", "Ärztehaus", "Mitte", "apotheke", "Zentrum"];
        int companyId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            var company = new Company { Name = "Sort Order Co", TimeZone = "UTC", CreatedAt = TestData.Now.UtcDateTime };
            db.Companies.Add(company);
            await db.SaveChangesAsync();
            companyId = company.Id;
            db.Branches.AddRange(names.Select(n => new Branch { CompanyId = companyId, Name = n, City = "Berlin" }));
            await db.SaveChangesAsync();
        }

        var live = await GetWidgetAsync(companyId, "live_calls");

        Assert.Equal(
            ["Mitte", "Zentrum", "apotheke", "nord", "Ärztehaus"],
            live.GetProperty("branches").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task RecentCalls_Company1_ListsItsCallsNewestFirstWithCustomerAndBranch()
    {
        var recent = await GetWidgetAsync(1, "recent_calls");

        var calls = recent.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal([101L, 102, 103, 104, 105, 106, 107, 108], calls.Select(c => c.GetProperty("id").GetInt64()));
        var first = calls[0];
        Assert.Equal("Anna Schmidt", first.GetProperty("customerName").GetString());
        Assert.Equal("Mitte", first.GetProperty("branchName").GetString());
        Assert.Equal("ongoing", first.GetProperty("status").GetString());
        Assert.Equal("in_progress", first.GetProperty("outcome").GetString());
        Assert.Equal(DateTimeOffset.Parse("2025-08-06T14:25:00Z", System.Globalization.CultureInfo.InvariantCulture), first.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal("appointment_booked", calls[1].GetProperty("outcome").GetString());
        Assert.Equal(120, calls[1].GetProperty("durationSeconds").GetInt32());
        Assert.Equal(JsonValueKind.Null, calls[2].GetProperty("customerName").ValueKind);
        Assert.Equal("missed", calls[2].GetProperty("outcome").GetString());
        Assert.Equal("failed", calls[5].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task StatsOverview_Company1_ComparesBerlinTodayWithYesterdayUpToTheSameTime()
    {
        var overview = await GetWidgetAsync(1, "stats_overview");

        Assert.Equal("2025-08-06", overview.GetProperty("today").GetString());
        Assert.Equal("2025-08-05", overview.GetProperty("yesterday").GetString());
        // Yesterday up to the same local time (16:30 Berlin, Aug 5 14:30 UTC): 106 (10:00 Berlin) only; 105 (23:00) and
        // appointment 1002 (23:05) come later in the day.
        Assert.Equal(DateTimeOffset.Parse("2025-08-05T14:30:00Z", System.Globalization.CultureInfo.InvariantCulture), overview.GetProperty("yesterdayUpTo").GetDateTimeOffset());
        AssertComparison(overview.GetProperty("calls"), 4, 1, 3, 300); // 101-104 vs 106
        AssertComparison(overview.GetProperty("answered"), 3, 0, 3, null); // 101, 102, 104 vs none (106 failed)
        AssertComparison(overview.GetProperty("appointments"), 2, 0, 2, null); // 1001, 1005 vs none
        AssertComparison(overview.GetProperty("revenueCents"), 5000, 0, 5000, null); // no-show 1005 earns nothing
        AssertComparison(overview.GetProperty("averageDurationSeconds"), 210, 0, 210, null); // (120 + 300) / 2 vs none
    }

    [Fact]
    public async Task Widgets_CompanyWithoutDataAndUnknownTimeZone_AreZeroInUtc()
    {
        var stats = await GetWidgetAsync(3, "dashboard_stats");
        Assert.Equal(0, stats.GetProperty("calls").GetInt32());
        Assert.Equal(0, stats.GetProperty("answeredRate").GetDouble());
        Assert.Equal(30, stats.GetProperty("trend").GetArrayLength());
        Assert.Equal("UTC", stats.GetProperty("timeZone").GetString());

        var overview = await GetWidgetAsync(3, "stats_overview");
        Assert.Equal(JsonValueKind.Null, overview.GetProperty("calls").GetProperty("changePercent").ValueKind);

        var recent = await GetWidgetAsync(3, "recent_calls");
        Assert.Equal(0, recent.GetProperty("calls").GetArrayLength());

        var live = await GetWidgetAsync(3, "live_calls");
        Assert.Equal(0, live.GetProperty("ongoing").GetInt32());
    }

    [Fact]
    public async Task Dashboard_Company2_HasAllFourWidgetsWithCacheOutcomes()
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);
        using var response = await client.GetAsync("/api/companies/2/dashboard");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);

        Assert.Equal(2, body.GetProperty("companyId").GetInt32());
        var widgets = body.GetProperty("widgets");
        foreach (var name in new[] { "dashboard_stats", "live_calls", "recent_calls", "stats_overview" })
        {
            var entry = widgets.GetProperty(name);
            Assert.Contains(entry.GetProperty("cache").GetString(), new[] { "HIT", "MISS", "STALE" });
            Assert.Equal(TestData.Now, entry.GetProperty("computedAt").GetDateTimeOffset());
        }

        var stats = widgets.GetProperty("dashboard_stats").GetProperty("data");
        Assert.Equal(2, stats.GetProperty("calls").GetInt32());
        Assert.Equal(7777, stats.GetProperty("revenueCents").GetInt64());
        Assert.Equal(1, widgets.GetProperty("live_calls").GetProperty("data").GetProperty("ongoing").GetInt32());
    }

    private static void AssertComparison(JsonElement comparison, double today, double yesterday, double change, double? percent)
    {
        Assert.Equal(today, comparison.GetProperty("today").GetDouble());
        Assert.Equal(yesterday, comparison.GetProperty("yesterday").GetDouble());
        Assert.Equal(change, comparison.GetProperty("change").GetDouble());
        var changePercent = comparison.GetProperty("changePercent");
        Assert.Equal(percent, changePercent.ValueKind == JsonValueKind.Null ? null : changePercent.GetDouble());
    }

    public sealed class Sqlite(Sqlite.Fixture app) : WidgetValueTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture : WebAppFixture;
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : WidgetValueTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : WebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
