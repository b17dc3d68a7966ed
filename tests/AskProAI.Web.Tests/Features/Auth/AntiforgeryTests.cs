using System.Net;
using System.Net.Http.Json;
using AskProAI.Web.Tests.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Auth;

/// <summary>Writes with the sign-in cookie need the antiforgery token; bearer-token calls do not; logout is a form post.</summary>
public sealed class AntiforgeryTests(AntiforgeryTests.Fixture app) : IClassFixture<AntiforgeryTests.Fixture>
{
    [Theory]
    [InlineData("application/json", "{}")]
    [InlineData("application/x-www-form-urlencoded", "")]
    [InlineData("text/plain", "")]
    public async Task CookieAdmin_ClearWithoutToken_400AndNotCleared(string contentType, string body)
    {
        using var client = await CookieClients.SignInAsync(app, TestData.AdminEmail);
        var before = await InvalidationsAsync();

        using var response = await client.PostAsync("/api/admin/cache/clear", new StringContent(body, System.Text.Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Missing antiforgery token", (await Json.ReadAsync(response)).GetProperty("title").GetString());
        Assert.Equal(before, await InvalidationsAsync());
    }

    [Fact]
    public async Task CookieAdmin_ClearWithToken_200()
    {
        using var client = await CookieClients.SignInAsync(app, TestData.AdminEmail);
        var (token, header, _) = await CookieClients.AntiforgeryAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/admin/cache/clear") { Content = JsonContent.Create(new { company = 2 }) };
        request.Headers.Add(header, token);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task CookieWrite_CreateCallWithoutToken_400()
    {
        using var client = await CookieClients.SignInAsync(app, TestData.Manager1Email);

        using var response = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task BearerAndAdminToken_NoAntiforgeryNeeded()
    {
        using var bearer = await app.ClientForAsync(TestData.Manager1Email);
        using var admin = app.AdminClient();

        using var call = await bearer.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound" });
        using var clear = await admin.PostAsJsonAsync("/api/admin/cache/clear", new { company = 2 });

        Assert.Equal(HttpStatusCode.Created, call.StatusCode);
        Assert.Equal(HttpStatusCode.OK, clear.StatusCode);
    }

    [Fact]
    public async Task GetLogout_DoesNotSignOut()
    {
        using var client = await CookieClients.SignInAsync(app, TestData.Manager1Email);

        using var logout = await client.GetAsync("/logout");

        Assert.True(logout.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, logout.StatusCode.ToString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies")).StatusCode);
    }

    [Fact]
    public async Task PostLogout_WithoutToken_400AndStillSignedIn()
    {
        using var client = await CookieClients.SignInAsync(app, TestData.Manager1Email);

        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, logout.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies")).StatusCode);
    }

    [Fact]
    public async Task PostLogout_WithFormToken_SignsOut()
    {
        using var client = await CookieClients.SignInAsync(app, TestData.Manager1Email);
        var (token, _, field) = await CookieClients.AntiforgeryAsync(client);

        using var logout = await client.PostAsync("/logout", new FormUrlEncodedContent([new(field, token)]));

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.Equal("/login", logout.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/companies")).StatusCode);
    }

    private async Task<long> InvalidationsAsync()
    {
        using var admin = app.AdminClient();
        return (await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"))).GetProperty("invalidations").GetInt64();
    }

    public sealed class Fixture : AdminApiFixture;
}
