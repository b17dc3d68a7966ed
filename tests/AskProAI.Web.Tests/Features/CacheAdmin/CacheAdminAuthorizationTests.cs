using System.Net;
using System.Net.Http.Headers;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>Who may use the admin API and the analytics page.</summary>
public sealed class CacheAdminAuthorizationTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>
{
    [Fact]
    public async Task Stats_WithoutCredentials_Is401()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/api/admin/cache/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stats_WithWrongToken_Is401()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminApiFixture.AdminToken + "x");
        using var response = await client.GetAsync("/api/admin/cache/stats");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Stats_AsManager_Is403()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        using var response = await client.GetAsync("/api/admin/cache/stats");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var clear = await client.PostAsync("/api/admin/cache/clear", null);
        Assert.Equal(HttpStatusCode.Forbidden, clear.StatusCode);
    }

    [Fact]
    public async Task Stats_WithAdminToken_Is200()
    {
        using var client = app.AdminClient();
        using var response = await client.GetAsync("/api/admin/cache/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Stats_AsSuperAdminWithBearerToken_Is200()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        using var response = await client.GetAsync("/api/admin/cache/stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminToken_DoesNotOpenTheWidgetApi()
    {
        using var client = app.AdminClient();
        using var response = await client.GetAsync("/api/companies/1/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Page_Anonymous_RedirectsToLogin()
    {
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        using var response = await client.GetAsync("/admin/cache");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_AsManager_Is403_AsSuperAdmin_IsHtml()
    {
        using var manager = await app.ClientForAsync(TestData.Manager1Email);
        using var refused = await manager.GetAsync("/admin/cache");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var page = await admin.GetAsync("/admin/cache");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("hit-ratio-chart", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
