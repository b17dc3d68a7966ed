using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Features.Dashboard;

/// <summary>
/// What a manager and an admin see, in Debian's Chromium at a desktop width (1400 px) and a phone width (390 px):
/// company switch, empty and large companies, recent calls, phone layout, the admin pages, login, accessibility (axe-core).
/// </summary>
public sealed class DashboardUxBrowserTests(DashboardUxBrowserTests.Fixture app) : IClassFixture<DashboardUxBrowserTests.Fixture>
{
    private const string Loaded = "[data-widget='{0}'][data-loaded='true']";

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task CompanySwitch_ClearsThePreviousCompanyAtOnce_ThenShowsTheNewOne(int width)
    {
        await using var chromium = await OpenAsync(width, TestData.AdminEmail);
        var page = chromium.Page;
        await page.WaitForSelectorAsync("#dashboard[data-company-id='1']");
        Assert.Contains("Mitte", await page.InnerTextAsync("[data-widget='live_calls']"), StringComparison.Ordinal);

        // Switch, and look in the same task, before any answer for company 2 can arrive.
        var during = await page.EvaluateAsync<string[]>("""
            () => {
              const select = document.getElementById("company-select");
              select.value = "2";
              select.dispatchEvent(new Event("change"));
              return [...document.querySelectorAll("[data-widget]")].map(s => `${s.dataset.loaded}|${s.getAttribute("aria-busy")}|${s.querySelector("[data-role='body']").innerText.trim()}`);
            }
            """);

        Assert.All(during, state => Assert.Equal("false|true|Loading…", state));
        await page.WaitForSelectorAsync("#dashboard[data-company-id='2']");
        var text = await page.InnerTextAsync("main");
        Assert.DoesNotContain("Mitte", text, StringComparison.Ordinal);
        Assert.Contains(TestData.Company2Branch, text, StringComparison.Ordinal);
        Assert.Equal("Omega Clinic", await page.InnerTextAsync("#company-name"));
        Assert.StartsWith("£", await ValueAsync(page, "dashboard_stats", "revenue"), StringComparison.Ordinal); // company 2 counts in GBP
        await chromium.ScreenshotAsync($"dashboard-admin-{width}");
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task EmptyCompany_ShowsEmptyStates_NoChartNoHeaderOnlyTables(int width)
    {
        await using var chromium = await OpenAsync(width, TestData.AdminEmail);
        var page = chromium.Page;
        await SwitchAsync(page, 3);

        Assert.True(await page.IsVisibleAsync("[data-empty='dashboard_stats']"));
        Assert.True(await page.IsVisibleAsync("[data-empty='recent_calls']"));
        Assert.Equal(0, await page.Locator("#trend-chart").CountAsync());
        Assert.Equal(0, await page.Locator("#recent-calls-table").CountAsync());
        Assert.Equal("0", await ValueAsync(page, "live_calls", "ongoing"));
        await chromium.ScreenshotAsync($"dashboard-empty-company-{width}");
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task LargeCompany_LiveWidgetDoesNotWaitForTheHeavyOne_BranchesInNaturalOrder(int width)
    {
        await using var chromium = await OpenAsync(width, TestData.AdminEmail);
        var page = chromium.Page;
        await page.WaitForSelectorAsync("#dashboard[data-company-id='1']");

        // Hold the heavy widget's answer until the live one is on screen.
        var release = new TaskCompletionSource();
        await page.RouteAsync("**/api/companies/4/widgets/dashboard_stats", async route =>
        {
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await route.ContinueAsync();
        });
        await page.SelectOptionAsync("#company-select", "4");
        await page.WaitForSelectorAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Loaded, "live_calls"));
        Assert.Equal("false", await page.GetAttributeAsync("[data-widget='dashboard_stats']", "data-loaded"));
        release.SetResult();
        await page.WaitForSelectorAsync("#dashboard[data-company-id='4']");

        var active = await page.Locator("#live-branches tbody td:first-child").AllInnerTextsAsync();
        Assert.Equal(["Branch 2", "Branch 10"], active.Select(t => t.Trim()));
        Assert.Equal("38", await page.GetAttributeAsync(".quiet-branches", "data-quiet"));
        var quiet = (await page.Locator(".quiet-branches tbody td:first-child").AllTextContentsAsync()).Select(t => t.Trim()).ToArray();
        Assert.Equal(["Branch 1", "Branch 3", "Branch 4"], quiet[..3]);
        Assert.Equal("Branch 40", quiet[^1]);
    }

    [Fact]
    public async Task RecentCalls_Desktop_OutcomeVisible_TimesInTheCompanysZone_InProgressNotZero()
    {
        await using var chromium = await OpenAsync(1400, TestData.Manager1Email);
        var page = chromium.Page;
        await page.WaitForSelectorAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, Loaded, "recent_calls"));

        var clipped = await page.EvaluateAsync<bool>("""
            () => {
              const card = document.querySelector("[data-widget='recent_calls']").getBoundingClientRect();
              return [...document.querySelectorAll("#recent-calls-table td:last-child")].some(td => td.getBoundingClientRect().right > card.right);
            }
            """);
        Assert.False(clipped, "the Outcome column runs past the card");

        // Call 102 started 14:20 UTC: 16:20 in Berlin (company 1), whatever the browser's zone.
        Assert.Contains("16:20", await page.InnerTextAsync("tr[data-call-id='102'] td:first-child"), StringComparison.Ordinal);
        Assert.Equal("in progress", (await page.InnerTextAsync("tr[data-call-id='101'] td.num")).Trim());
        Assert.Equal("2:00", (await page.InnerTextAsync("tr[data-call-id='102'] td.num")).Trim());
        Assert.Equal("130,00\u00a0€", await ValueAsync(page, "dashboard_stats", "revenue"));
        Assert.Matches("^Updated \\d+ s ago$", (await page.InnerTextAsync("[data-widget='live_calls'] [data-role='updated']")).Trim());

        // A manager sees no cache badges and no admin link.
        Assert.False(await page.IsVisibleAsync("[data-widget='live_calls'] .badge"));
        Assert.True(await page.IsHiddenAsync("#admin-link"));
        await chromium.ScreenshotAsync("dashboard-manager-1400");
    }

    [Fact]
    public async Task Phone_KpisTwoPerRow_ReadableChart_StackedTables_NoSidewaysScroll()
    {
        await using var chromium = await OpenAsync(390, TestData.Manager1Email);
        var page = chromium.Page;
        await page.WaitForSelectorAsync("#dashboard[data-company-id='1']");

        var tops = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll(\"[data-widget='stats_overview'] .kpi\")].map(k => k.getBoundingClientRect().top)");
        Assert.Equal(tops[0], tops[1]);
        Assert.True(tops[2] > tops[1]);
        var labelHeight = await page.EvaluateAsync<double>("() => document.querySelector('#trend-chart text').getBoundingClientRect().height");
        Assert.True(labelHeight >= 10, $"chart labels are {labelHeight:F1} px tall");
        Assert.Equal("block", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('#recent-calls-table tbody tr')).display"));
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the dashboard scrolls sideways");
        await chromium.ScreenshotAsync("dashboard-manager-390");
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task AdminCache_FromTheDashboardLink_NamesCompanies_NextWarmInTheSchedulesZone_FitsTheScreen(int width)
    {
        await using var chromium = await OpenAsync(width, TestData.AdminEmail);
        var page = chromium.Page;
        await page.WaitForSelectorAsync("#dashboard[data-company-id='1']");
        await page.ClickAsync("#admin-link");
        await page.WaitForSelectorAsync("#cache-admin[data-loaded='true']");

        Assert.EndsWith("/admin/cache", page.Url, StringComparison.Ordinal);
        Assert.Contains("Europe/Berlin", await page.InnerTextAsync("#kpi-next-warm"), StringComparison.Ordinal);
        Assert.Contains("03:00", await page.InnerTextAsync("#kpi-next-warm"), StringComparison.Ordinal);
        await page.WaitForSelectorAsync("#slow-companies-table tbody tr");
        Assert.Matches("\\(#\\d+\\)$", (await page.InnerTextAsync("#slow-companies-table tbody tr td:first-child")).Trim());
        Assert.Contains("top of the chart", await page.InnerTextAsync("#hit-ratio-chart-axis"), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "/admin/cache scrolls sideways");
        await chromium.ScreenshotAsync($"admin-cache-{width}");
    }

    [Theory]
    [InlineData(1400)]
    [InlineData(390)]
    public async Task Manager_OnAdminCache_GetsAFriendlyPage(int width)
    {
        await using var chromium = await OpenAsync(width, TestData.Manager1Email);
        var page = chromium.Page;

        var response = await page.GotoAsync(app.BaseAddress + "/admin/cache");

        Assert.Equal(403, response!.Status);
        Assert.Contains("for administrators", await page.InnerTextAsync("h2"), StringComparison.Ordinal);
        await page.ClickAsync("#back-to-dashboard");
        await page.WaitForSelectorAsync("#dashboard[data-company-id='1']");
        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        await chromium.ScreenshotAsync($"admin-cache-forbidden-{width}");
    }

    [Fact]
    public async Task Login_FailedAttemptKeepsTheEmail_ReturnAddressHonoured_ForeignOneIgnored()
    {
        await using var chromium = await ChromiumPage.OpenAsync(1400, 900);
        var page = chromium.Page;
        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        Assert.Contains("ReturnUrl=%2Fadmin%2Fcache", page.Url, StringComparison.Ordinal);

        await page.FillAsync("#email", TestData.AdminEmail);
        await page.FillAsync("#password", "wrong-password");
        await page.ClickAsync("#login-submit");
        await page.WaitForSelectorAsync("#login-error");
        Assert.Equal(TestData.AdminEmail, await page.InputValueAsync("#email"));
        await chromium.ScreenshotAsync("login-failed-1400");

        await page.FillAsync("#password", TestData.Password);
        await page.ClickAsync("#login-submit");
        await page.WaitForURLAsync(app.BaseAddress + "/admin/cache");

        await using var other = await ChromiumPage.OpenAsync(390, 844);
        await other.Page.GotoAsync(app.BaseAddress + "/login?ReturnUrl=%2F%2Fevil.example%2F");
        await other.ScreenshotAsync("login-390");
        await other.LogInAsync(app.BaseAddress, TestData.Manager1Email);
    }

    [Fact]
    public async Task ReducedMotion_TheLiveDotDoesNotPulse()
    {
        await using var chromium = await ChromiumPage.OpenAsync(1400, 900, reducedMotion: true);
        var page = chromium.Page;
        await page.GotoAsync(app.BaseAddress + "/login");
        await chromium.LogInAsync(app.BaseAddress, TestData.Manager1Email);
        await page.WaitForSelectorAsync("#connection[data-state='live']");

        Assert.Equal("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.live-dot')).animationName"));
        Assert.Equal("polite", await page.GetAttributeAsync("[data-widget='live_calls'] .live-figures", "aria-live"));
    }

    [Theory]
    [InlineData(1400, "/")]
    [InlineData(390, "/")]
    [InlineData(1400, "/login")]
    [InlineData(390, "/login")]
    [InlineData(1400, "/admin/cache")]
    [InlineData(390, "/admin/cache")]
    public async Task Axe_NoSeriousOrCriticalViolations(int width, string path)
    {
        await using var chromium = path == "/login" ? await ChromiumPage.OpenAsync(width, 900, bypassCsp: true) : await OpenAsync(width, TestData.AdminEmail, bypassCsp: true);
        var page = chromium.Page;
        await page.GotoAsync(app.BaseAddress + path);
        await page.WaitForSelectorAsync(path switch
        {
            "/" => "#dashboard[data-company-id='1']",
            "/login" => "#login-form",
            _ => "#cache-admin[data-loaded='true']",
        });
        if (path == "/")
        {
            await page.CheckAsync("#details-toggle"); // the cache badges too
        }

        var violations = await chromium.SeriousAccessibilityViolationsAsync();

        Assert.True(violations.Length == 0, string.Join(Environment.NewLine, violations));
    }

    private async Task<ChromiumPage> OpenAsync(int width, string email, bool bypassCsp = false)
    {
        var chromium = await ChromiumPage.OpenAsync(width, width < 600 ? 844 : 900, bypassCsp: bypassCsp);
        await chromium.Page.GotoAsync(app.BaseAddress + "/login");
        await chromium.LogInAsync(app.BaseAddress, email);
        return chromium;
    }

    private static async Task SwitchAsync(IPage page, int companyId)
    {
        await page.WaitForSelectorAsync("#dashboard[data-company-id]:not([data-company-id=''])");
        await page.SelectOptionAsync("#company-select", companyId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.WaitForSelectorAsync($"#dashboard[data-company-id='{companyId}']");
    }

    private static async Task<string> ValueAsync(IPage page, string widget, string metric) =>
        (await page.InnerTextAsync($"[data-widget='{widget}'] [data-metric='{metric}'] .kpi-value")).Trim();

    /// <summary>The test data plus company 4: 40 branches "Branch 1" .. "Branch 40", calls in branches 2 and 10 only.</summary>
    public sealed class Fixture : WritableKestrelFixture
    {
        public override async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var scope = Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            db.Companies.Add(new Company { Id = 4, Name = "Large Co", TimeZone = "Europe/Berlin", CreatedAt = TestData.Now.UtcDateTime.AddYears(-1) });
            db.Branches.AddRange(Enumerable.Range(1, 40).Select(i => new Branch { Id = 400 + i, CompanyId = 4, Name = $"Branch {i}", City = "Köln" }));
            await db.SaveChangesAsync();
            var now = TestData.Now.UtcDateTime;
            db.Calls.AddRange(
                new Call { CompanyId = 4, BranchId = 410, Direction = CallDirection.Inbound, Status = CallStatus.Ongoing, StartedAt = now.AddMinutes(-2) },
                new Call { CompanyId = 4, BranchId = 402, Direction = CallDirection.Inbound, Status = CallStatus.Completed, StartedAt = now.AddMinutes(-9), EndedAt = now.AddMinutes(-7), DurationSeconds = 119 });
            await db.SaveChangesAsync();
        }
    }
}
