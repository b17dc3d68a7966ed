using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AskProAI.Cli.Tests.Infrastructure;

namespace AskProAI.Cli.Tests.Commands;

/// <summary>
/// <c>askpro</c> as a real process (<c>dotnet askpro.dll</c>) against the real service on a loopback port: every
/// command, and every way it can fail, with the exit code and message a script or an operator would see.
/// </summary>
public sealed class CacheManageProcessTests(CacheManageProcessTests.Fixture service) : IClassFixture<CacheManageProcessTests.Fixture>
{
    private static readonly string[] WidgetNames = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    private string[] Admin => ["--url", service.BaseAddress, "--token", ServiceFixture.AdminToken];

    [Fact]
    public async Task Stats_PrintsTablesWithEveryWidget()
    {
        using (var client = await service.SuperAdminClientAsync())
        {
            (await client.GetAsync("/api/companies/1/dashboard")).Dispose();
        }

        var result = await Askpro.RunProcessAsync(["cache:manage", "stats", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var title in new[] { "Cache totals", "Refresh queue", "Per widget", "Per tier", "Slowest computations" })
        {
            Assert.Contains(title, result.Out, StringComparison.Ordinal);
        }

        foreach (var name in WidgetNames)
        {
            Assert.Contains($" {name} ", result.Out, StringComparison.Ordinal);
        }

        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Stats_WithSuperAdminAccessToken_Works()
    {
        var token = await service.AccessTokenAsync(TestData.AdminEmail);

        var result = await Askpro.RunProcessAsync("cache:manage", "stats", "--url", service.BaseAddress, "--token", token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Per widget", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatsJson_PrintsTheServiceJson()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "stats", "--json", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("widgets").ValueKind);
        Assert.True(json.RootElement.GetProperty("queue").GetProperty("capacity").GetInt32() > 0);
    }

    [Fact]
    public async Task ClearWidgetOfCompany_SaysWhat_AndTheNextReadMisses()
    {
        using var client = await service.SuperAdminClientAsync();
        (await client.GetAsync("/api/companies/1/widgets/recent_calls")).Dispose();
        Assert.Equal("HIT", await CacheOutcomeAsync(client, 1, "recent_calls"));

        var result = await Askpro.RunProcessAsync(["cache:manage", "clear", "--widget=recent_calls", "--company=1", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Cleared ", result.Out, StringComparison.Ordinal);
        Assert.Contains("recent_calls", result.Out, StringComparison.Ordinal);
        Assert.Contains("(tag ", result.Out, StringComparison.Ordinal);
        Assert.NotEqual("HIT", await CacheOutcomeAsync(client, 1, "recent_calls"));
    }

    [Fact]
    public async Task ClearCompany_SpaceSeparatedOptions_SaysWhat()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "clear", "--company", "1", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Cleared ", result.Out, StringComparison.Ordinal);
        Assert.Contains("company 1", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidateTagOfCompany_SaysWhat()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "invalidate", "--tag=live_data", "--company=1", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Invalidated ", result.Out, StringComparison.Ordinal);
        Assert.Contains("company_data:1:live_data", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalidate_NoOptions_UsesTheServiceDefault()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "invalidate", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Invalidated ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmCompany_ProgressUntilDone_ThenEveryWidgetHits()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "warm", "--company=2", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Warming company 2: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("(completed)", result.Error, StringComparison.Ordinal);
        Assert.Contains("Warmed ", result.Out, StringComparison.Ordinal);
        Assert.Contains(" for company 2 (job ", result.Out, StringComparison.Ordinal);
        using var client = await service.SuperAdminClientAsync();
        foreach (var name in WidgetNames)
        {
            Assert.Equal("HIT", await CacheOutcomeAsync(client, 2, name));
        }
    }

    [Fact]
    public async Task WarmAllNoWait_PrintsTheJobId_WhichTheServiceKnows()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "warm", "--all", "--no-wait", .. Admin]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var jobId = result.Out.Trim();
        Assert.NotEmpty(jobId);
        Assert.DoesNotContain('\n', jobId);
        Assert.Contains($"Queued warm job {jobId} for all companies", result.Error, StringComparison.Ordinal);

        // The job must be known to the service; wait for it so that it cannot refill entries another test clears.
        using var client = new HttpClient { BaseAddress = new Uri(service.BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", ServiceFixture.AdminToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? state;
        do
        {
            using var job = await client.GetAsync($"/api/admin/cache/jobs/{Uri.EscapeDataString(jobId)}");
            Assert.Equal(HttpStatusCode.OK, job.StatusCode);
            using var body = JsonDocument.Parse(await job.Content.ReadAsStringAsync());
            state = body.RootElement.GetProperty("state").GetString();
            if (state is "completed" or "failed")
            {
                break;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal("completed", state);
    }

    [Fact]
    public async Task UnreachableService_Exit3_SaysWhereAndHow()
    {
        var url = ClosedLoopbackUrl();

        var result = await Askpro.RunProcessAsync("cache:manage", "stats", "--url", url, "--token", ServiceFixture.AdminToken);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"Cannot reach the AskProAI service at {url}: connection refused. Is it running? Set --url or ASKPRO_URL.",
            result.Error.Trim());
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task BadToken_Exit4_Says401()
    {
        var result = await Askpro.RunProcessAsync("cache:manage", "stats", "--url", service.BaseAddress, "--token", "not-the-token");

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("(401 Unauthorized)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagersToken_Exit4_Says403()
    {
        var token = await service.AccessTokenAsync(TestData.Manager1Email);

        var result = await Askpro.RunProcessAsync("cache:manage", "clear", "--company=1", "--url", service.BaseAddress, "--token", token);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("(403 Forbidden)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownWidget_Exit5_ListsTheWidgets()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "clear", "--widget=no_such_widget", "--company=1", .. Admin]);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("Unknown widget", result.Error, StringComparison.Ordinal);
        foreach (var name in WidgetNames)
        {
            Assert.Contains(name, result.Error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("clear")]
    [InlineData("warm")]
    [InlineData("invalidate")]
    public async Task UnknownCompany_Exit5(string verb)
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", verb, "--company=999", .. Admin]);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("Unknown company", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no_such_tag")]
    [InlineData("company_data:1:gossip")]
    public async Task BadTag_Exit6_ShowsTheServersDetail(string tag)
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "invalidate", "--tag", tag, .. Admin]);

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("The service refused the request (400 Bad Request): Invalid tag", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCommandLine_Exit2_NoService()
    {
        var result = await Askpro.RunProcessAsync(["cache:manage", "warm", "--all", "--company=2", .. Admin]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("warm needs exactly one of --all or --company=ID.", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string?> CacheOutcomeAsync(HttpClient client, int company, string widget)
    {
        using var response = await client.GetAsync($"/api/companies/{company}/widgets/{widget}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
    }

    private static string ClosedLoopbackUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    public sealed class Fixture : ServiceFixture;
}
