using System.Net;
using System.Net.Sockets;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Features.Live;

/// <summary>
/// The service restarts under an open dashboard (same port, same database): the page shows that push is down and why,
/// then recovers by itself: push reconnects, the error banner clears, and a change shows without a reload.
/// </summary>
public sealed class ServiceRestartBrowserTests : IAsyncLifetime
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"askpro-restart-{Guid.NewGuid():N}.db");
    private readonly int _port = FreePort();
    private Host _service = null!;

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task Restart_PushAndBannerRecoverWithoutReload(int width)
    {
        await using var chromium = await ChromiumPage.OpenAsync(width, width < 600 ? 844 : 900);
        var page = chromium.Page;
        await page.GotoAsync(_service.BaseAddress + "/login");
        await chromium.LogInAsync(_service.BaseAddress, TestData.Manager1Email);
        await page.WaitForSelectorAsync("#connection[data-state='live']");
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        Assert.Equal("1", await OngoingAsync(page));

        await _service.DisposeAsync();
        await page.WaitForSelectorAsync("#connection:not([data-state='live'])");
        await page.WaitForSelectorAsync("#page-error:not([hidden])", new() { Timeout = 20_000 }); // the 5 s live refresh fails
        Assert.NotEqual("live", await page.GetAttributeAsync("#connection", "data-state"));

        _service = new Host(_database, _port);
        await _service.StartAsync(seed: false);

        // Backoff 1, 2, 4, 8, 16 s: the page is back within the next attempt.
        await page.WaitForSelectorAsync("#connection[data-state='live']", new() { Timeout = 45_000 });
        await page.WaitForSelectorAsync("#page-error[hidden]", new() { State = WaitForSelectorState.Attached, Timeout = 20_000 });
        using var client = new HttpClient { BaseAddress = new Uri(_service.BaseAddress) };
        using var response = await client.SendAsync(SignedWebhooks.Telephony(
            $$"""{"eventId":"evt-restart-{{width}}","type":"call_started","companyId":1,"externalCallId":"tel-restart-{{width}}","branchId":11}""",
            _service.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await page.WaitForFunctionAsync("() => document.querySelector(\"[data-widget='live_calls'] [data-metric='ongoing'] .kpi-value\").textContent.trim() === '2'");
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        await chromium.ScreenshotAsync($"dashboard-after-restart-{width}");
    }

    public async Task InitializeAsync()
    {
        _service = new Host(_database, _port);
        await _service.StartAsync(seed: true);
    }

    public async Task DisposeAsync()
    {
        _service.DeleteDatabaseOnDispose = true;
        await _service.DisposeAsync();
    }

    private static Task<string> OngoingAsync(IPage page) =>
        page.InnerTextAsync("[data-widget='live_calls'] [data-metric='ongoing'] .kpi-value");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>One run of the service on a fixed port over a SQLite file that outlives it.</summary>
    private sealed class Host(string database, int port) : WebAppFixture(database)
    {
        public string BaseAddress => $"http://127.0.0.1:{port}";

        public async Task StartAsync(bool seed)
        {
            DeleteDatabaseOnDispose = false;
            UseKestrel(options => options.Listen(IPAddress.Loopback, port));
            StartServer();
            if (seed)
            {
                await TestData.SeedAsync(Services);
            }
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            SignedWebhooks.Configure(builder);
        }
    }
}
