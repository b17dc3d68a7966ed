using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Infrastructure.Setup;

/// <summary>Demo data and demo users exist only in Development; elsewhere the service refuses to run with demo users.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task Development_EmptyDatabase_GeneratesDemoDataAndDemoUsers()
    {
        await using var app = new SmallDemoFixture();
        await app.InitializeAsync();

        using var client = app.CreateClient();
        foreach (var (email, companyId) in new[] { ("admin@askpro.test", 2), ("manager2@askpro.test", 2), ("manager1@askpro.test", 1) })
        {
            using var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "demo-password" });
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var token = (await Json.ReadAsync(login)).GetProperty("accessToken").GetString();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/companies/{companyId}/widgets/dashboard_stats");
            request.Headers.Authorization = new("Bearer", token);
            using var widget = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, widget.StatusCode);
        }
    }

    [Fact]
    public async Task Production_DemoUserInDatabase_RefusesToStart()
    {
        string path;
        await using (var testing = new WebAppFixture { DeleteDatabaseOnDispose = false })
        {
            await testing.InitializeAsync();
            path = testing.DatabasePath;
            await using var scope = testing.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var result = await users.CreateAsync(new AppUser { UserName = "manager1@askpro.test", Email = "manager1@askpro.test", CompanyId = 1 });
            Assert.True(result.Succeeded);
        }

        await using var production = new ProductionFixture(path);
        var error = Record.Exception(() => production.Services);

        Assert.NotNull(error);
        Assert.Contains("Refusing to start", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_NoDemoUsers_Starts()
    {
        await using var app = new ProductionFixture(Path.Combine(Path.GetTempPath(), $"askpro-web-tests-{Guid.NewGuid():N}.db"));
        await app.InitializeAsync();

        using var client = app.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.Equal("Healthy", (await Json.ReadAsync(health)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("Admin:ApiToken", "dev-admin-token")]
    [InlineData("Admin:ApiToken", "short-token")]
    [InlineData("Webhooks:Telephony:Secret", "dev-telephony-webhook-secret")]
    [InlineData("Webhooks:Cache:Secret", "dev-cache-webhook-secret")]
    public async Task Production_UnsafeSetting_RefusesToStartNamingIt(string key, string value)
    {
        await using var app = new ProductionSettingFixture(Path.Combine(Path.GetTempPath(), $"askpro-web-tests-{Guid.NewGuid():N}.db"), key, value);
        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        Assert.Contains("Refusing to start in Production", Flatten(error), StringComparison.Ordinal);
        Assert.Contains(key, Flatten(error), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("0")]
    [InlineData("100000")]
    public async Task BadThreadPoolFloor_RefusesToStart_SayingWhichSetting(string value)
    {
        await using var app = new SettingFixture("Hosting:MinWorkerThreads", value);
        var error = Record.Exception(() => app.Services);

        Assert.NotNull(error);
        Assert.Contains($"Hosting:MinWorkerThreads '{value}' must be a whole number from 1 to 4096", Flatten(error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThreadPoolFloor_IsRaisedAtStart()
    {
        await using var app = new SettingFixture("Hosting:MinWorkerThreads", "100"); // above the default 64 other test hosts set
        await app.InitializeAsync();

        ThreadPool.GetMinThreads(out var workers, out _);
        Assert.True(workers >= 100, $"the pool's floor is {workers} worker threads");
    }

    private static string Flatten(Exception error)
    {
        var text = string.Empty;
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            text += e.Message + "\n";
        }

        return text;
    }

    private sealed class SmallDemoFixture : WebAppFixture
    {
        protected override string EnvironmentName => "Development";

        public override Task InitializeAsync()
        {
            _ = Services;
            return Task.CompletedTask;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("DemoData:Companies", "2");
            builder.UseSetting("DemoData:CallsPerCompany", "200");
            builder.UseSetting("DemoData:BranchesPerCompany", "2");
            builder.UseSetting("DemoData:StaffPerBranch", "1");
            builder.UseSetting("DemoData:CustomersPerCompany", "20");
            builder.UseSetting("DemoData:Days", "5");
            builder.UseSetting("DemoData:OngoingCallsPerCompany", "1");
        }
    }

    private sealed class SettingFixture(string key, string value) : WebAppFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    private sealed class ProductionSettingFixture(string path, string key, string value) : WebAppFixture(path)
    {
        protected override string EnvironmentName => "Production";

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting(key, value);
        }
    }

    private sealed class ProductionFixture(string path) : WebAppFixture(path)
    {
        protected override string EnvironmentName => "Production";

        public override Task InitializeAsync()
        {
            _ = Services;
            return Task.CompletedTask;
        }
    }
}
