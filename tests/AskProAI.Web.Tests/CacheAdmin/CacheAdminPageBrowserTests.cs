using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.CacheAdmin;

/// <summary>The cache analytics page in a real browser (Debian's Chromium) against the service on a loopback port.</summary>
public sealed class CacheAdminPageBrowserTests(CacheAdminPageBrowserTests.Fixture app) : IClassFixture<CacheAdminPageBrowserTests.Fixture>
{
    private const string ChromiumPath = "/usr/bin/chromium";

    [Fact]
    public async Task Admin_LogsIn_SeesChartAndWidgetTable_WarmsACompany()
    {
        Assert.True(
            File.Exists(ChromiumPath),
            $"Chromium is missing at {ChromiumPath}. Install the Debian package 'chromium' (bash scripts/test.sh does); never run 'playwright install'.");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);

        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("#email", TestData.AdminEmail);
        await page.FillAsync("#password", TestData.Password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(app.BaseAddress + "/");
        await page.GotoAsync(app.BaseAddress + "/admin/cache");

        await page.WaitForSelectorAsync("#cache-admin[data-loaded='true']");
        Assert.True(await page.Locator("#hit-ratio-chart circle.point").CountAsync() >= 1);
        foreach (var widget in new[] { "dashboard_stats", "live_calls", "recent_calls", "stats_overview" })
        {
            Assert.Equal(1, await page.Locator($"#widget-table tbody tr[data-widget='{widget}']").CountAsync());
        }

        await page.WaitForSelectorAsync("#admin-company-select option[value='2']", new() { State = WaitForSelectorState.Attached });
        await page.SelectOptionAsync("#admin-company-select", "2");
        await page.ClickAsync("#warm-company");
        await page.WaitForSelectorAsync("#action-status[data-state='completed']");
        Assert.Contains("4/4", await page.InnerTextAsync("#action-status"), StringComparison.Ordinal);

        // The page refreshed after the job: the warm's computations are in the widget table.
        var computed = await page.InnerTextAsync("#widget-table tbody tr[data-widget='dashboard_stats'] [data-col='computed']");
        Assert.False(string.IsNullOrWhiteSpace(computed));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "cache-admin.png"), FullPage = true });
    }

    public sealed class Fixture : KestrelWebAppFixture;
}
