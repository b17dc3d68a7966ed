using System.Net;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Tests.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Monitoring;

/// <summary>The Prometheus endpoint and the database query counter.</summary>
public sealed class MetricsTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>
{
    [Fact]
    public async Task Metrics_IsPrometheusText_WithTheCacheAndDatabaseCounters()
    {
        using var manager = await app.ClientForAsync(TestData.Manager1Email);
        await manager.GetAsync("/api/companies/1/widgets/live_calls");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("askpro_cache_requests", text, StringComparison.Ordinal);
        Assert.Contains("askpro_db_queries", text, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryCounter_IncreasesOnAMiss_NotOnAHit()
    {
        var database = app.Services.GetRequiredService<DatabaseMetrics>();
        using var manager = await app.ClientForAsync(TestData.Manager2Email);
        await manager.GetAsync("/api/companies/2/widgets/stats_overview"); // warms the company directory too
        using var admin = app.AdminClient();
        using var _ = await CacheAdminApiTests.PostAsync(admin, "clear", "{\"company\":2}");

        var beforeMiss = database.Queries;
        Assert.Equal("MISS", await CacheAdminApiTests.CacheOfAsync(manager, 2, "dashboard_stats"));
        var afterMiss = database.Queries;
        Assert.Equal("HIT", await CacheAdminApiTests.CacheOfAsync(manager, 2, "dashboard_stats"));
        var afterHit = database.Queries;

        Assert.True(afterMiss > beforeMiss, $"A miss ran {afterMiss - beforeMiss} queries.");
        Assert.Equal(afterMiss, afterHit);
        var stats = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));
        Assert.True(stats.GetProperty("database").GetProperty("queries").GetInt64() >= afterHit);
    }
}
