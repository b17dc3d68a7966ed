using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AskProAI.Web.Tests.Features.Auth;

/// <summary>Bearer login for the API, cookie login for pages.</summary>
public sealed class LoginTests(LoginTests.Fixture app) : IClassFixture<LoginTests.Fixture>
{
    [Fact]
    public async Task ApiLogin_GoodCredentials_ReturnsAccessTokenThatOpensTheApi()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = TestData.Manager1Email, password = TestData.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var token = body.GetProperty("accessToken").GetString();
        Assert.False(string.IsNullOrEmpty(token));

        using var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var widget = await api.GetAsync("/api/companies/1/widgets/live_calls");
        Assert.Equal(HttpStatusCode.OK, widget.StatusCode);
    }

    [Theory]
    [InlineData(TestData.Manager2Email, "wrong-password")]
    [InlineData("nobody@example.test", TestData.Password)]
    public async Task ApiLogin_BadCredentials_401WithMessage(string email, string password)
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("Invalid email or password.", body.GetProperty("detail").GetString());
        Assert.False(body.TryGetProperty("accessToken", out _));
    }

    [Theory]
    [InlineData("{not json", "application/json")]
    [InlineData("", "application/json")]
    [InlineData("[]", "application/json")]
    [InlineData("{\"email\": 42, \"password\": true}", "application/json")]
    [InlineData("{\"email\": \"manager1@example.test\"}", "application/json")]
    [InlineData("{\"password\": \"x\"}", "application/json")]
    [InlineData("email=manager1@example.test&password=x", "application/x-www-form-urlencoded")]
    [InlineData("null", "application/json")]
    public async Task ApiLogin_MalformedBody_400(string content, string contentType)
    {
        using var client = app.CreateClient();
        using var body = new StringContent(content, Encoding.UTF8, contentType);

        using var response = await client.PostAsync("/api/auth/login", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/companies/1/dashboard")]
    [InlineData("/api/companies/1/widgets/live_calls")]
    [InlineData("/api/companies")]
    public async Task Api_NoToken_401(string path)
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Api_GarbageToken_401()
    {
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "garbage");

        using var response = await client.GetAsync("/api/companies/1/dashboard");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DashboardPage_Anonymous_RedirectsToLogin()
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LoginForm_GoodCredentials_SetsCookieThatOpensPageAndApi()
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var page = await client.GetStringAsync("/login");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token));

        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["email"] = TestData.Manager1Email,
            ["password"] = TestData.Password,
        });
        using var login = await client.PostAsync("/login", form);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);

        using var dashboard = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("data-widget=\"dashboard_stats\"", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var api = await client.GetAsync("/api/companies/1/widgets/stats_overview");
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
        using var other = await client.GetAsync("/api/companies/2/widgets/stats_overview");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task LoginForm_WithoutAntiforgeryToken_DoesNotSignIn()
    {
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = TestData.Manager1Email,
            ["password"] = TestData.Password,
        });

        using var login = await client.PostAsync("/login", form);

        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/login?error=", login.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(login.Headers.Contains("Set-Cookie") && login.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("askpro.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Health_Anonymous_Healthy()
    {
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal("Healthy", (await Json.ReadAsync(response)).GetProperty("status").GetString());
    }

    public sealed class Fixture : WebAppFixture;
}
