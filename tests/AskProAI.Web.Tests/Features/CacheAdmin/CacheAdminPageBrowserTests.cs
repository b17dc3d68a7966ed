using System.Globalization;
using System.Net;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The cache analytics page in a real browser (Debian's Chromium) against the service on a loopback port.</summary>
public sealed class CacheAdminPageBrowserTests(CacheAdminPageBrowserTests.Fixture app) : IClassFixture<CacheAdminPageBrowserTests.Fixture>
{
    [Fact]
    public async Task Admin_LogsIn_SeesChartAndWidgetTable_WarmsACompany()
    {
        await using var chromium = await ChromiumPage.OpenAsync();
        var page = chromium.Page;

        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await chromium.LogInAsync(app.BaseAddress, TestData.AdminEmail, returnsTo: "/admin/cache");

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

        // The engine's timeout counters per widget, and the companies it keeps state for (company 2 now at least).
        var headers = await page.TextContentAsync("#widget-table thead") ?? string.Empty; // as written: CSS shows it in capitals
        Assert.Contains("Soft timeouts", headers, StringComparison.Ordinal);
        Assert.Contains("Hard timeouts", headers, StringComparison.Ordinal);
        var row = page.Locator("#widget-table tbody tr[data-widget='dashboard_stats']");
        foreach (var column in new[] { "soft-timeouts", "hard-timeouts" })
        {
            Assert.Matches("^[0-9][0-9,]*$", await row.Locator($"[data-col='{column}']").InnerTextAsync(new() { Timeout = 5_000 }));
        }

        var companies = await page.Locator("#kpi-companies").InnerTextAsync(new() { Timeout = 5_000 });
        Assert.True(
            long.TryParse(companies, NumberStyles.AllowThousands, CultureInfo.GetCultureInfo("en-US"), out var kept) && kept >= 1,
            $"Companies kept: '{companies}'");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "cache-admin.png"), FullPage = true });
    }

    [Fact]
    public async Task Admin_AfterASignedWebhook_SeesAppliedChangesApartFromInvalidations()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1);
        using (var webhook = await admin.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"page-applied-1","type":"call_started","companyId":1,"externalCallId":"page-applied-1","branchId":11}""", app.Time.GetUtcNow())))
        {
            Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        }

        var stats = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));
        var (applied, invalidations) = (stats.GetProperty("appliedChanges").GetInt64(), stats.GetProperty("invalidations").GetInt64());

        // The call was applied in place to three of company 1's widgets: the page shows that apart from invalidations.
        Assert.True(applied >= 3, $"appliedChanges {applied}");
        await using var chromium = await ChromiumPage.OpenAsync();
        var page = chromium.Page;
        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        await chromium.LogInAsync(app.BaseAddress, TestData.AdminEmail, returnsTo: "/admin/cache");
        await page.WaitForSelectorAsync("#cache-admin[data-loaded='true']");

        var us = CultureInfo.GetCultureInfo("en-US");
        Assert.Equal("Applied changes", await page.Locator("[data-kpi='applied'] .kpi-label").InnerTextAsync(new() { Timeout = 5_000 }));
        Assert.Equal("Invalidations", await page.Locator("[data-kpi='invalidations'] .kpi-label").InnerTextAsync(new() { Timeout = 5_000 }));
        Assert.Equal(applied.ToString("N0", us), await page.Locator("#kpi-applied").InnerTextAsync(new() { Timeout = 5_000 }));
        Assert.Equal(invalidations.ToString("N0", us), await page.Locator("#kpi-invalidations").InnerTextAsync(new() { Timeout = 5_000 }));
    }

    public sealed class Fixture : WritableKestrelFixture;
}
