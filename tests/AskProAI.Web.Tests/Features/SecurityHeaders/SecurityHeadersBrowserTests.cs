using AskProAI.Web.Features.SecurityHeaders;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AskProAI.Web.Tests.Features.SecurityHeaders;

/// <summary>
/// In Debian's Chromium: every page, script, style and API response the browser receives carries the security headers,
/// the pages work under the strict CSP (no violation reported), and the logout button (a form post) signs out.
/// </summary>
public sealed class SecurityHeadersBrowserTests(SecurityHeadersBrowserTests.Fixture app) : IClassFixture<SecurityHeadersBrowserTests.Fixture>
{
    [Fact]
    public async Task EveryResponse_CarriesTheHeaders_PagesRunUnderTheCsp_LogoutSignsOut()
    {
        await using var chromium = await ChromiumPage.OpenAsync();
        var page = chromium.Page;
        var responses = new List<IResponse>();
        var violations = new List<string>();
        page.Response += (_, response) => responses.Add(response);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };

        await page.GotoAsync(app.BaseAddress + "/login");
        await chromium.LogInAsync(app.BaseAddress, TestData.AdminEmail);
        await page.WaitForSelectorAsync("[data-widget='live_calls'][data-loaded='true']");
        await page.GotoAsync(app.BaseAddress + "/admin/cache");
        await page.WaitForSelectorAsync("#cache-admin[data-loaded='true']");
        var problem = await page.APIRequest.GetAsync(app.BaseAddress + "/api/companies/999/dashboard");
        await using (problem)
        {
            Assert.Equal(404, problem.Status);
            AssertHeaders(problem.Headers, "GET /api/companies/999/dashboard (a problem answer)");
        }

        await page.WaitForSelectorAsync("#logout-form[data-ready='true']");
        await page.ClickAsync("#logout");
        await page.WaitForURLAsync(app.BaseAddress + "/login");

        var seen = responses.Where(r => r.Url.StartsWith(app.BaseAddress, StringComparison.Ordinal)).ToList();
        foreach (var kind in new[] { "/login", "/admin/cache", "/js/common.js", "/css/site.css", "/api/companies", "/api/admin/cache/stats", "/lib/signalr/signalr.min.js" })
        {
            Assert.Contains(seen, r => new Uri(r.Url).AbsolutePath == kind);
        }

        foreach (var response in seen)
        {
            AssertHeaders(await response.AllHeadersAsync(), $"{response.Request.Method} {response.Url} ({response.Status})");
        }

        Assert.Empty(violations);
    }

    private static void AssertHeaders(IReadOnlyDictionary<string, string> headers, string what)
    {
        Assert.True(headers.TryGetValue("content-security-policy", out var csp), $"no CSP on {what}");
        Assert.Equal(SecurityHeadersExtensions.ContentSecurityPolicy, csp);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", headers.GetValueOrDefault("x-content-type-options"));
        Assert.Equal("DENY", headers.GetValueOrDefault("x-frame-options"));
        Assert.Equal("no-referrer", headers.GetValueOrDefault("referrer-policy"));
    }

    public sealed class Fixture : KestrelWebAppFixture;
}
