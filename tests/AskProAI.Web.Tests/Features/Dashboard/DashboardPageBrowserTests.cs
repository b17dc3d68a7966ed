using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Features.Dashboard;

/// <summary>The dashboard page in a real browser (Debian's Chromium) against the service on a loopback port.</summary>
public sealed class DashboardPageBrowserTests(DashboardPageBrowserTests.Fixture app) : IClassFixture<DashboardPageBrowserTests.Fixture>
{
    [Fact]
    public async Task Manager_LogsInThroughTheForm_SeesAllFourWidgetsWithNumbers()
    {
        await using var chromium = await ChromiumPage.OpenAsync();
        var page = chromium.Page;

        await page.GotoAsync(app.BaseAddress + "/");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await chromium.LogInAsync(app.BaseAddress, TestData.Manager1Email);

        foreach (var name in new[] { "stats_overview", "dashboard_stats", "live_calls", "recent_calls" })
        {
            await page.WaitForSelectorAsync($"[data-widget='{name}'][data-loaded='true']");
            var cache = await page.GetAttributeAsync($"[data-widget='{name}'] .badge", "data-cache");
            Assert.Contains(cache, new[] { "HIT", "MISS", "STALE" });
        }

        Assert.Equal("4", await ValueAsync(page, "stats_overview", "calls"));
        Assert.Equal("7", await ValueAsync(page, "dashboard_stats", "calls"));
        Assert.Equal("71,4\u00a0%", await ValueAsync(page, "dashboard_stats", "answered-rate"));
        Assert.Equal("130,00\u00a0€", await ValueAsync(page, "dashboard_stats", "revenue"));
        Assert.Equal("1", await ValueAsync(page, "live_calls", "ongoing"));
        Assert.Equal("2", await ValueAsync(page, "live_calls", "last-15"));
        Assert.Equal(8, await page.Locator("[data-widget='recent_calls'] tbody tr").CountAsync());
        Assert.Equal(30, await page.Locator("#trend-chart rect.bar").CountAsync());
        Assert.True(await page.Locator("#company-picker").IsHiddenAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard.png"), FullPage = true });
        var text = await page.InnerTextAsync("body");
        Assert.DoesNotContain(TestData.Company2Secret, text, StringComparison.Ordinal);

        // The live widget refreshes itself (every 5 s) from the cache without a page reload.
        await page.WaitForFunctionAsync("() => document.querySelector(\"[data-widget='live_calls'] .badge\").dataset.cache === 'HIT'");
    }

    private static async Task<string> ValueAsync(IPage page, string widget, string metric) =>
        (await page.InnerTextAsync($"[data-widget='{widget}'] [data-metric='{metric}'] .kpi-value")).Trim();

    public sealed class Fixture : KestrelWebAppFixture;
}
