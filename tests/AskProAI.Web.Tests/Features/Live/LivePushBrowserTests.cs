using System.Globalization;
using System.Text;
using AskProAI.Web.Features.Webhooks;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AskProAI.Web.Tests.Features.Live;

/// <summary>A signed webhook changes the open dashboard without a reload (real Chromium, real WebSockets).</summary>
public sealed class LivePushBrowserTests(LivePushBrowserTests.Fixture app, ITestOutputHelper output) : IClassFixture<LivePushBrowserTests.Fixture>
{
    private const int MeasuredEvents = 50;

    [Fact]
    public async Task SignedCallStarted_LiveWidgetOngoingNumberChanges_WithoutReload()
    {
        await using var session = await BrowserSession.OpenAsync(app);
        var page = session.Page;
        await page.EvaluateAsync("() => { window.__sameDocument = 'yes'; }");
        var before = await LivePushScript.OngoingAsync(page);

        var (_, visibleMs) = await SendAsync(page, "evt-browser-1", "tel-browser-1", before + 1);

        Assert.Equal(before + 1, await LivePushScript.OngoingAsync(page));
        Assert.Equal("yes", await page.EvaluateAsync<string>("() => window.__sameDocument"));
        output.WriteLine($"event to visible: {visibleMs:F1} ms");
    }

    [Fact]
    public async Task BurstOfCallEvents_LiveNumberOnEveryPush_AggregatesFetchedOnceWhenThePushesPause()
    {
        await using var session = await BrowserSession.OpenAsync(app, fakeTimers: true);
        var page = session.Page;
        var recentFetches = 0;
        var liveFetches = 0;
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/widgets/recent_calls", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref recentFetches);
            }

            if (request.Url.Contains("/widgets/live_calls", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref liveFetches);
            }
        };
        const string NewRows = "top => [...document.querySelectorAll(\"[data-widget='recent_calls'] tr[data-call-id]\")].filter(r => Number(r.dataset.callId) > top).length";
        var top = await page.EvaluateAsync<long>("() => Math.max(0, ...[...document.querySelectorAll(\"[data-widget='recent_calls'] tr[data-call-id]\")].map(r => Number(r.dataset.callId)))");
        var ongoing = await LivePushScript.OngoingAsync(page);
        var fetchesBefore = Volatile.Read(ref recentFetches);
        var liveFetchesBefore = Volatile.Read(ref liveFetches);

        // The page's timers stand still: every push must show the live number by itself, without a timer.
        await page.Clock.PauseAtAsync(DateTime.UtcNow.AddSeconds(1));
        for (var i = 0; i < 6; i++)
        {
            await SendAsync(page, $"evt-burst-{i}", $"tel-burst-{i}", ++ongoing);
        }

        Assert.Equal(ongoing, await LivePushScript.OngoingAsync(page));
        Assert.Equal(fetchesBefore, Volatile.Read(ref recentFetches)); // six pushes, no aggregate fetched yet

        // Each push carried the live value (ADR 0026): shown without a request of the page's own.
        Assert.Equal(liveFetchesBefore, Volatile.Read(ref liveFetches));
        Assert.Equal("push", await page.GetAttributeAsync("[data-widget='live_calls']", "data-source"));

        // A second of quiet: the aggregates are fetched once, and show all six calls.
        await page.Clock.RunForAsync(1000);
        await page.WaitForFunctionAsync($"top => ({NewRows})(top) === 6", top);
        Assert.Equal(fetchesBefore + 1, Volatile.Read(ref recentFetches));
    }

    [Fact]
    public async Task EventToVisible_Measured()
    {
        await using var session = await BrowserSession.OpenAsync(app);
        var page = session.Page;
        var ongoing = await LivePushScript.OngoingAsync(page);

        // Warm-up: the first push pays for JIT and connection setup.
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(page, $"evt-warm-{i}", $"tel-warm-{i}", ++ongoing);
        }

        var acks = new List<double>();
        var visible = new List<double>();
        for (var i = 0; i < MeasuredEvents; i++)
        {
            var (ack, shown) = await SendAsync(page, $"evt-measure-{i}", $"tel-measure-{i}", ++ongoing);
            acks.Add(ack);
            visible.Add(shown);
        }

        var report = string.Create(
            CultureInfo.InvariantCulture,
            $"events={MeasuredEvents} ack p50={LivePushScript.Percentile(acks, 50):F1} ms p99={LivePushScript.Percentile(acks, 99):F1} ms; "
            + $"visible p50={LivePushScript.Percentile(visible, 50):F1} ms p99={LivePushScript.Percentile(visible, 99):F1} ms max={visible.Max():F1} ms");
        output.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "event-to-visible.txt"), report + Environment.NewLine);
        Assert.Equal(ongoing, await LivePushScript.OngoingAsync(page));
    }

    private async Task<(double AckMs, double VisibleMs)> SendAsync(IPage page, string eventId, string externalId, int expected)
    {
        var body = $$"""{"eventId":"{{eventId}}","type":"call_started","companyId":1,"externalCallId":"{{externalId}}","branchId":11}""";
        var timestamp = app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(SignedWebhooks.TelephonySecret, timestamp, Encoding.UTF8.GetBytes(body));
        var result = await page.EvaluateAsync<double[]>(
            LivePushScript.SendAndWatch,
            new { body, timestamp, signature, expected = expected.ToString(CultureInfo.InvariantCulture) });
        return (result[0], result[1]);
    }


    /// <summary>Chromium logged in as manager 1 on the dashboard, with live push connected.</summary>
    private static class BrowserSession
    {
        public static async Task<ChromiumPage> OpenAsync(KestrelWebAppFixture app, bool fakeTimers = false)
        {
            var session = await ChromiumPage.OpenAsync();
            var page = session.Page;
            if (fakeTimers)
            {
                // Playwright's clock: time flows as usual until the test pauses it.
                await page.Clock.InstallAsync();
            }

            await page.GotoAsync(app.BaseAddress + "/login");
            await session.LogInAsync(app.BaseAddress, TestData.Manager1Email);
            await page.WaitForSelectorAsync("[data-widget='live_calls'][data-loaded='true']");
            await page.WaitForSelectorAsync("#dashboard[data-live='on']");
            return session;
        }
    }

    public sealed class Fixture : WritableKestrelFixture;
}
