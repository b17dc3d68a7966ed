using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Features.Auth;
using AskProAI.Web.Tests.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Auth;

/// <summary>
/// Sessions end when the user changes: deleted, locked out, security stamp changed or demoted, bearer tokens and cookies
/// alike lose that access at most <see cref="AuthConstants.SessionValidationInterval"/> later (on the fake clock).
/// </summary>
public sealed class SessionRevocationTests(SessionRevocationTests.Fixture app) : IClassFixture<SessionRevocationTests.Fixture>
{
    public enum Change
    {
        Deleted,
        LockedOut,
        StampChanged,
    }

    [Theory]
    [InlineData(Change.Deleted)]
    [InlineData(Change.LockedOut)]
    [InlineData(Change.StampChanged)]
    public async Task BearerToken_UserChanged_401WithinTheInterval(Change change)
    {
        var email = await CreateUserAsync(admin: false);
        var (access, _) = await LoginAsync(email);
        using var client = Bearer(access);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies/1/dashboard")).StatusCode);

        await ApplyAsync(email, change);
        app.Time.Advance(AuthConstants.SessionValidationInterval + TimeSpan.FromSeconds(1));

        using var after = await client.GetAsync("/api/companies/1/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Theory]
    [InlineData(Change.Deleted)]
    [InlineData(Change.LockedOut)]
    [InlineData(Change.StampChanged)]
    public async Task Cookie_UserChanged_401WithinTheInterval(Change change)
    {
        var email = await CreateUserAsync(admin: false);
        using var client = await CookieClientAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies/1/dashboard")).StatusCode);

        await ApplyAsync(email, change);
        app.Time.Advance(AuthConstants.SessionValidationInterval + TimeSpan.FromSeconds(1));

        using var after = await client.GetAsync("/api/companies/1/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task BearerToken_AdminDemoted_LosesAdminAccessButKeepsOwnCompany()
    {
        var email = await CreateUserAsync(admin: true);
        var (access, _) = await LoginAsync(email);
        using var client = Bearer(access);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/admin/cache/mode", new { mode = "Optimized" })).StatusCode);

        await DemoteAsync(email);
        app.Time.Advance(AuthConstants.SessionValidationInterval + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/admin/cache/mode", new { mode = "Disabled" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/companies/2/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies/1/dashboard")).StatusCode);
    }

    [Fact]
    public async Task Cookie_AdminDemoted_LosesAdminAccess()
    {
        var email = await CreateUserAsync(admin: true);
        using var client = await CookieClientAsync(email);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies/2/dashboard")).StatusCode);

        await DemoteAsync(email);
        app.Time.Advance(AuthConstants.SessionValidationInterval + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/companies/2/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/admin/cache/stats")).StatusCode);
    }

    [Fact]
    public async Task Refresh_ValidUser_NewTokenThatOpensTheApi()
    {
        var email = await CreateUserAsync(admin: false);
        var (_, refresh) = await LoginAsync(email);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        using var client = Bearer(body.GetProperty("accessToken").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/companies/1/dashboard")).StatusCode);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
    }

    [Theory]
    [InlineData(Change.Deleted)]
    [InlineData(Change.LockedOut)]
    [InlineData(Change.StampChanged)]
    public async Task Refresh_UserChanged_401(Change change)
    {
        var email = await CreateUserAsync(admin: false);
        var (_, refresh) = await LoginAsync(email);
        await ApplyAsync(email, change);
        using var anonymous = app.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = refresh });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Refresh_GarbageToken_401()
    {
        using var anonymous = app.CreateClient();

        using var response = await anonymous.PostAsJsonAsync("/api/auth/refresh", new { refreshToken = "garbage" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private HttpClient Bearer(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<(string Access, string Refresh)> LoginAsync(string email)
    {
        using var anonymous = app.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestData.Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        return (body.GetProperty("accessToken").GetString()!, body.GetProperty("refreshToken").GetString()!);
    }

    private Task<HttpClient> CookieClientAsync(string email) => CookieClients.SignInAsync(app, email);

    private async Task<string> CreateUserAsync(bool admin)
    {
        var email = $"session-{Guid.NewGuid():N}@example.test";
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = 1 };
        Assert.True((await users.CreateAsync(user, TestData.Password)).Succeeded);
        if (admin)
        {
            Assert.True((await users.AddToRoleAsync(user, AuthConstants.SuperAdminRole)).Succeeded);
        }

        return email;
    }

    private async Task ApplyAsync(string email, Change change)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        var result = change switch
        {
            Change.Deleted => await users.DeleteAsync(user),
            Change.LockedOut => await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue),
            _ => await users.UpdateSecurityStampAsync(user),
        };
        Assert.True(result.Succeeded);
    }

    private async Task DemoteAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True((await users.RemoveFromRoleAsync((await users.FindByEmailAsync(email))!, AuthConstants.SuperAdminRole)).Succeeded);
    }

    public sealed class Fixture : AdminApiFixture;
}
