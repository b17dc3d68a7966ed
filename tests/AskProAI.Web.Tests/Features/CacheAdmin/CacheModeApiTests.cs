using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The rollout modes switched through the admin API.</summary>
public sealed class CacheModeApiTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        using var admin = app.AdminClient();
        using var _ = await CacheAdminApiTests.PostAsync(admin, "mode", "{\"mode\":\"Optimized\"}");
    }

    [Fact]
    public async Task Legacy_HitsAfterWarm_AndIgnoresInvalidation()
    {
        using var admin = app.AdminClient();
        using var set = await CacheAdminApiTests.PostAsync(admin, "mode", "{\"mode\":\"legacy\",\"widget\":\"recent_calls\"}");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var answer = await Json.ReadAsync(set);
        Assert.Equal("Legacy", answer.GetProperty("mode").GetString());
        Assert.Equal(100, answer.GetProperty("percent").GetInt32());
        Assert.Equal("recent_calls", Assert.Single(answer.GetProperty("widgets").EnumerateArray()).GetString());

        using var warm = await CacheAdminApiTests.PostAsync(admin, "warm", "{\"company\":1}");
        await app.WaitForJobAsync(admin, (await Json.ReadAsync(warm)).GetProperty("jobId").GetString()!);
        using var manager = await app.ClientForAsync(TestData.Manager1Email);
        Assert.Equal("HIT", await CacheAdminApiTests.CacheOfAsync(manager, 1, "recent_calls"));

        using var invalidate = await CacheAdminApiTests.PostAsync(admin, "invalidate", "{\"company\":1}");
        Assert.Equal(HttpStatusCode.OK, invalidate.StatusCode);

        // The design the seed replaced had no invalidation: the static key keeps answering.
        Assert.Equal("HIT", await CacheAdminApiTests.CacheOfAsync(manager, 1, "recent_calls"));
        Assert.Equal("MISS", await CacheAdminApiTests.CacheOfAsync(manager, 1, "stats_overview"));
    }

    [Fact]
    public async Task Disabled_Bypasses_ForEveryWidget()
    {
        using var admin = app.AdminClient();
        using var set = await CacheAdminApiTests.PostAsync(admin, "mode", "{\"mode\":\"Disabled\"}");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(4, (await Json.ReadAsync(set)).GetProperty("widgets").GetArrayLength());

        using var manager = await app.ClientForAsync(TestData.Manager2Email);
        foreach (var widget in new[] { "dashboard_stats", "live_calls", "recent_calls", "stats_overview" })
        {
            Assert.Equal("BYPASS", await CacheAdminApiTests.CacheOfAsync(manager, 2, widget));
            Assert.Equal("BYPASS", await CacheAdminApiTests.CacheOfAsync(manager, 2, widget));
        }

        var stats = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));
        Assert.All(stats.GetProperty("widgets").EnumerateArray(), w => Assert.Equal("Disabled", w.GetProperty("mode").GetString()));
    }

    [Fact]
    public async Task Optimized_WithPercent_IsReported()
    {
        using var admin = app.AdminClient();
        using var set = await CacheAdminApiTests.PostAsync(admin, "mode", "{\"mode\":\"Optimized\",\"percent\":25,\"widget\":\"live_calls\"}");

        var answer = await Json.ReadAsync(set);
        Assert.Equal(25, answer.GetProperty("percent").GetInt32());
        var stats = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));
        var live = stats.GetProperty("widgets").EnumerateArray().Single(w => w.GetProperty("widget").GetString() == "live_calls");
        Assert.Equal(25, live.GetProperty("optimizedPercent").GetInt32());
    }
}
