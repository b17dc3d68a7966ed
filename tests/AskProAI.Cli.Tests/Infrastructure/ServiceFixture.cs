using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Cli.Tests.Infrastructure;

/// <summary>
/// The real dashboard service on Kestrel on a free loopback port, over a SQLite file of its own seeded with
/// <see cref="TestData"/>, with the admin API token set to <see cref="AdminToken"/> and a clock fixed at
/// <see cref="TestData.Now"/> (so a warmed value stays fresh). The "Testing" environment: production-like.
/// </summary>
public class ServiceFixture : WebApplicationFactory<global::Program>, IAsyncLifetime
{
    /// <summary>The admin API token the service is configured with.</summary>
    public const string AdminToken = "cli-tests-admin-token-5b1f0c";

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"askpro-cli-tests-{Guid.NewGuid():N}.db");

    /// <summary>Gets the service's address, e.g. http://127.0.0.1:41234.</summary>
    public string BaseAddress { get; private set; } = string.Empty;

    public FakeTimeProvider Time { get; } = new(TestData.Now);

    public virtual async Task InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        await TestData.SeedAsync(Services);
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = addresses.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    /// <summary>An access token of the given user, from the service's login endpoint.</summary>
    public async Task<string> AccessTokenAsync(string email)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestData.Password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A client of the real server carrying a SuperAdmin's access token (it may read every company's widgets).</summary>
    public async Task<HttpClient> SuperAdminClientAsync()
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AccessTokenAsync(TestData.AdminEmail));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:AskPro", $"Data Source={_databasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Admin:ApiToken", AdminToken);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}
