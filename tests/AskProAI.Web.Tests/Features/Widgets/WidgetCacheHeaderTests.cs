using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>The cache outcome and timings reach the client as headers and in the dashboard body, on SQLite and on PostgreSQL.</summary>
public abstract class WidgetCacheHeaderTests(WebAppFixture app)
{
    [Theory]
    [InlineData("dashboard_stats")]
    [InlineData("live_calls")]
    [InlineData("recent_calls")]
    [InlineData("stats_overview")]
    public async Task GetWidget_TwiceForCompany1_MissThenHit(string name)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var first = await client.GetAsync($"/api/companies/1/widgets/{name}");
        using var second = await client.GetAsync($"/api/companies/1/widgets/{name}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("MISS", Assert.Single(first.Headers.GetValues("X-Cache")));
        var firstTiming = Assert.Single(first.Headers.GetValues("Server-Timing"));
        Assert.StartsWith("cache;desc=\"MISS\";dur=", firstTiming, StringComparison.Ordinal);
        Assert.Contains(", compute;dur=", firstTiming, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("HIT", Assert.Single(second.Headers.GetValues("X-Cache")));
        var secondTiming = Assert.Single(second.Headers.GetValues("Server-Timing"));
        Assert.StartsWith("cache;desc=\"HIT\";dur=", secondTiming, StringComparison.Ordinal);
        Assert.DoesNotContain("compute", secondTiming, StringComparison.Ordinal);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GetDashboard_TwiceForCompany2_EachWidgetMissThenHit()
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);

        var first = (await Json.ReadAsync(await client.GetAsync("/api/companies/2/dashboard"))).GetProperty("widgets");
        var second = (await Json.ReadAsync(await client.GetAsync("/api/companies/2/dashboard"))).GetProperty("widgets");

        foreach (var name in new[] { "dashboard_stats", "live_calls", "recent_calls", "stats_overview" })
        {
            Assert.Equal("MISS", first.GetProperty(name).GetProperty("cache").GetString());
            Assert.Equal("HIT", second.GetProperty(name).GetProperty("cache").GetString());
        }
    }

    public sealed class Sqlite(Sqlite.Fixture app) : WidgetCacheHeaderTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture : WebAppFixture;
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : WidgetCacheHeaderTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : WebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
