using System.Net;
using System.Text;
using System.Text.Json;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The admin API contract: answers, effects and errors of stats, clear, invalidate, warm and jobs.</summary>
public sealed class CacheAdminApiTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>
{
    private static readonly string[] Widgets = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    [Fact]
    public async Task Stats_HasTheContractShape()
    {
        using var manager = await app.ClientForAsync(TestData.Manager2Email);
        using var admin = app.AdminClient();
        // Other tests of this class share the host and may have cached it already: one miss, then one hit.
        using var cleared = await PostAsync(admin, "clear", "{\"widget\":\"recent_calls\",\"company\":2}");
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        using var first = await manager.GetAsync("/api/companies/2/widgets/recent_calls");
        Assert.Equal("MISS", first.Headers.GetValues("X-Cache").Single());
        using var second = await manager.GetAsync("/api/companies/2/widgets/recent_calls");

        var stats = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));

        foreach (var name in new[] { "hitRatio", "entries", "estimatedBytes", "evictions", "fallbacks", "invalidations" })
        {
            Assert.Equal(JsonValueKind.Number, stats.GetProperty(name).ValueKind);
        }

        var queue = stats.GetProperty("queue");
        foreach (var name in new[] { "depth", "capacity", "workers", "enqueued", "completed", "failed", "rejected" })
        {
            Assert.Equal(JsonValueKind.Number, queue.GetProperty(name).ValueKind);
        }

        var recent = stats.GetProperty("widgets").EnumerateArray().Single(w => w.GetProperty("widget").GetString() == "recent_calls");
        Assert.Equal("statistics", recent.GetProperty("tier").GetString());
        Assert.Equal("Optimized", recent.GetProperty("mode").GetString());
        Assert.True(recent.GetProperty("hits").GetInt64() >= 1);
        Assert.True(recent.GetProperty("misses").GetInt64() >= 1);
        Assert.True(recent.GetProperty("cachedSamples").GetInt64() >= 1);
        foreach (var name in new[] { "staleHits", "refreshes", "errors", "computations", "meanComputeMs", "hitRatio", "cachedMeanMs" })
        {
            Assert.Equal(JsonValueKind.Number, recent.GetProperty(name).ValueKind);
        }

        Assert.Equal(3, stats.GetProperty("tiers").GetArrayLength());
        Assert.Equal(JsonValueKind.Array, stats.GetProperty("slowest").ValueKind);
        Assert.True(stats.GetProperty("database").GetProperty("queries").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Number, stats.GetProperty("database").GetProperty("slowQueries").ValueKind);
        Assert.True(stats.GetProperty("memory").GetProperty("workingSetBytes").GetInt64() > 0);
        Assert.True(stats.GetProperty("memory").GetProperty("gcHeapBytes").GetInt64() > 0);
    }

    [Theory]
    [InlineData("{\"widget\":\"recent_calls\",\"company\":1}", "widget:recent_calls:1", 1, 1)]
    [InlineData("{\"company\":1}", "company_data:1", 1, 4)]
    [InlineData("{\"widget\":\"recent_calls\"}", "widget:recent_calls", 3, 1)]
    [InlineData("{}", "widgets", 3, 4)]
    [InlineData("", "widgets", 3, 4)]
    public async Task Clear_AnswersTagsAndCounts(string body, string tag, int companies, int widgets)
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "clear", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Json.ReadAsync(response);
        Assert.Equal("clear", answer.GetProperty("action").GetString());
        Assert.Equal(tag, Assert.Single(answer.GetProperty("tags").EnumerateArray()).GetString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("scope").GetString()));
        Assert.Equal(companies, answer.GetProperty("companies").GetInt32());
        Assert.Equal(widgets, answer.GetProperty("widgets").GetInt32());
    }

    [Fact]
    public async Task Clear_WidgetOfCompany_NextRequestMissesAndOtherWidgetsStillHit()
    {
        using var manager = await app.ClientForAsync(TestData.Manager1Email);
        await manager.GetAsync("/api/companies/1/dashboard");
        using var admin = app.AdminClient();

        using var cleared = await PostAsync(admin, "clear", "{\"widget\":\"stats_overview\",\"company\":1}");

        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal("MISS", await CacheOfAsync(manager, 1, "stats_overview"));
        Assert.Equal("HIT", await CacheOfAsync(manager, 1, "dashboard_stats"));
    }

    [Theory]
    [InlineData("", "live_data", 3, 1)]
    [InlineData("{\"company\":2}", "company_data:2", 1, 4)]
    [InlineData("{\"tag\":\"heavy_data\"}", "heavy_data", 3, 1)]
    [InlineData("{\"tag\":\"statistics\",\"company\":2}", "company_data:2:statistics", 1, 2)]
    [InlineData("{\"tag\":\"live_data\",\"company\":3}", "company_data:3:live_data", 1, 1)]
    [InlineData("{\"tag\":\"widget:recent_calls\",\"company\":2}", "widget:recent_calls:2", 1, 1)]
    [InlineData("{\"tag\":\"company_data:2\",\"company\":2}", "company_data:2", 1, 4)]
    [InlineData("{\"tag\":\"widgets\",\"company\":2}", "company_data:2", 1, 4)]
    [InlineData("{\"tag\":\"widget:live_calls\"}", "widget:live_calls", 3, 1)]
    public async Task Invalidate_AnswersTheNarrowedTag(string body, string tag, int companies, int widgets)
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "invalidate", body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Json.ReadAsync(response);
        Assert.Equal("invalidate", answer.GetProperty("action").GetString());
        Assert.Equal(tag, Assert.Single(answer.GetProperty("tags").EnumerateArray()).GetString());
        Assert.Equal(companies, answer.GetProperty("companies").GetInt32());
        Assert.Equal(widgets, answer.GetProperty("widgets").GetInt32());
    }

    [Fact]
    public async Task Invalidate_LiveData_NextLiveRequestMisses()
    {
        using var manager = await app.ClientForAsync(TestData.Manager2Email);
        await manager.GetAsync("/api/companies/2/widgets/live_calls");
        Assert.Equal("HIT", await CacheOfAsync(manager, 2, "live_calls"));
        using var admin = app.AdminClient();

        using var response = await admin.PostAsync("/api/admin/cache/invalidate", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("MISS", await CacheOfAsync(manager, 2, "live_calls"));
    }

    [Theory]
    [InlineData("invalidate", "{\"tag\":\"nonsense:1\"}", 400, "Unknown tag")]
    [InlineData("invalidate", "{\"tag\":\"company_data:x\"}", 400, "is not a company id")]
    [InlineData("invalidate", "{\"tag\":\"company_data:2\",\"company\":3}", 400, "company 2")]
    [InlineData("invalidate", "{\"tag\":\"widget:recent_calls:1\",\"company\":3}", 400, "company 1")]
    [InlineData("invalidate", "{\"company\":0}", 400, "positive")]
    [InlineData("invalidate", "{\"tag\":\"widget:nope\"}", 404, "recent_calls")]
    [InlineData("invalidate", "{\"company\":99}", 404, "No company")]
    [InlineData("invalidate", "{\"tag\":\"company_data:99\"}", 404, "No company")]
    [InlineData("clear", "{\"company\":-1}", 400, "positive")]
    [InlineData("clear", "{\"widget\":\"nope\"}", 404, "dashboard_stats")]
    [InlineData("clear", "{\"company\":99}", 404, "No company")]
    [InlineData("clear", "{\"company\":", 400, "")]
    [InlineData("clear", "{\"company\":true}", 400, "")]
    [InlineData("warm", "{\"company\":1,\"all\":true}", 400, "not both")]
    [InlineData("warm", "{}", 400, "\"all\"")]
    [InlineData("warm", "", 400, "\"all\"")]
    [InlineData("warm", "{\"company\":0}", 400, "positive")]
    [InlineData("warm", "{\"company\":99}", 404, "No company")]
    [InlineData("warm", "{\"company\":1,\"widget\":\"nope\"}", 404, "live_calls")]
    [InlineData("warm", "[1,2]", 400, "")]
    [InlineData("mode", "{\"mode\":\"Fast\"}", 400, "Optimized")]
    [InlineData("mode", "{\"mode\":\"1\"}", 400, "Optimized")]
    [InlineData("mode", "{}", 400, "Optimized")]
    [InlineData("mode", "{\"mode\":\"Optimized\",\"percent\":101}", 400, "0 to 100")]
    [InlineData("mode", "{\"mode\":\"Legacy\",\"widget\":\"nope\"}", 404, "stats_overview")]
    public async Task BadRequests_AreProblemDetails(string action, string body, int status, string detailPart)
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, action, body);

        Assert.Equal((HttpStatusCode)status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json.ReadAsync(response);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Contains(detailPart, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownWidget_ListsTheWidgetsAsExtension()
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "clear", "{\"widget\":\"nope\"}");

        var problem = await Json.ReadAsync(response);
        Assert.Equal(Widgets, problem.GetProperty("widgets").EnumerateArray().Select(w => w.GetString()).Order());
    }

    [Fact]
    public async Task Clear_WithFormBody_Is400()
    {
        using var admin = app.AdminClient();
        using var response = await admin.PostAsync("/api/admin/cache/clear", new StringContent("company=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Warm_Company_Is202_JobCompletes_ThenEveryWidgetHits()
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "warm", "{\"company\":3}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await Json.ReadAsync(response);
        var jobId = accepted.GetProperty("jobId").GetString()!;
        Assert.Equal(1, accepted.GetProperty("companies").GetInt32());
        Assert.Equal(4, accepted.GetProperty("widgets").GetInt32());
        Assert.Equal($"/api/admin/cache/jobs/{jobId}", accepted.GetProperty("statusUrl").GetString());
        Assert.Equal($"/api/admin/cache/jobs/{jobId}", response.Headers.Location?.OriginalString);

        var job = await app.WaitForJobAsync(admin, jobId);
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.Equal("warm", job.GetProperty("kind").GetString());
        Assert.Equal(4, job.GetProperty("total").GetInt32());
        Assert.Equal(4, job.GetProperty("completed").GetInt32());
        Assert.Equal(0, job.GetProperty("failed").GetInt32());
        Assert.Equal(JsonValueKind.String, job.GetProperty("startedAt").ValueKind);
        Assert.Equal(JsonValueKind.String, job.GetProperty("finishedAt").ValueKind);

        using var superAdmin = await app.ClientForAsync(TestData.AdminEmail);
        var dashboard = (await Json.ReadAsync(await superAdmin.GetAsync("/api/companies/3/dashboard"))).GetProperty("widgets");
        foreach (var name in Widgets)
        {
            Assert.Equal("HIT", dashboard.GetProperty(name).GetProperty("cache").GetString());
        }
    }

    [Fact]
    public async Task Warm_CompanyWithWidget_IsARefreshJob()
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "warm", "{\"company\":2,\"widget\":\"dashboard_stats\"}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await app.WaitForJobAsync(admin, (await Json.ReadAsync(response)).GetProperty("jobId").GetString()!);
        Assert.Equal("refresh", job.GetProperty("kind").GetString());
        Assert.Equal(1, job.GetProperty("total").GetInt32());
        Assert.Equal(1, job.GetProperty("completed").GetInt32());
        using var manager = await app.ClientForAsync(TestData.Manager2Email);
        Assert.Equal("HIT", await CacheOfAsync(manager, 2, "dashboard_stats"));
    }

    [Fact]
    public async Task Warm_All_CoversEveryCompany()
    {
        using var admin = app.AdminClient();
        using var response = await PostAsync(admin, "warm", "{\"all\":true}");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await Json.ReadAsync(response);
        Assert.Equal(3, accepted.GetProperty("companies").GetInt32());
        var job = await app.WaitForJobAsync(admin, accepted.GetProperty("jobId").GetString()!);
        Assert.Equal(12, job.GetProperty("completed").GetInt32());
    }

    [Fact]
    public async Task Job_Unknown_Is404()
    {
        using var admin = app.AdminClient();
        using var response = await admin.GetAsync("/api/admin/cache/jobs/does-not-exist");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task History_HasSamplesAndCurrent()
    {
        using var admin = app.AdminClient();
        var history = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/history"));

        Assert.Equal(10, history.GetProperty("intervalSeconds").GetDouble());
        Assert.True(history.GetProperty("samples").GetArrayLength() >= 1);
        Assert.Equal(JsonValueKind.Number, history.GetProperty("current").GetProperty("cumulativeHitRatio").ValueKind);
    }

    internal static Task<HttpResponseMessage> PostAsync(HttpClient client, string action, string body) =>
        client.PostAsync($"/api/admin/cache/{action}", body.Length == 0 ? null : new StringContent(body, Encoding.UTF8, "application/json"));

    internal static async Task<string> CacheOfAsync(HttpClient client, int company, string widget)
    {
        using var response = await client.GetAsync($"/api/companies/{company}/widgets/{widget}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Assert.Single(response.Headers.GetValues("X-Cache"));
    }
}
