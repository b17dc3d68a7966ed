using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// The real service over a real SQLite file of its own (one per test class), seeded with <see cref="TestData"/>,
/// with a <see cref="FakeTimeProvider"/> fixed at <see cref="TestData.Now"/>. Runs in the "Testing" environment
/// (production-like: no demo data, no developer pages).
/// </summary>
public class WebAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public WebAppFixture(string? databasePath = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), $"askpro-web-tests-{Guid.NewGuid():N}.db");
    }

    public string DatabasePath { get; }

    /// <summary>Gets or sets whether disposing deletes the database file (off to hand it to another fixture).</summary>
    public bool DeleteDatabaseOnDispose { get; set; } = true;

    public FakeTimeProvider Time { get; } = new(TestData.Now);

    protected virtual string EnvironmentName => "Testing";

    public virtual async Task InitializeAsync()
    {
        _ = Services; // starts the host: migrations run
        await TestData.SeedAsync(Services);
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        SqliteConnection.ClearAllPools();
        if (DeleteDatabaseOnDispose)
        {
            foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
            {
                File.Delete(DatabasePath + suffix);
            }
        }
    }

    /// <summary>An HTTP client carrying a bearer token of the given user.</summary>
    public async Task<HttpClient> ClientForAsync(string email)
    {
        if (!_tokens.TryGetValue(email, out var token))
        {
            using var anonymous = CreateClient();
            using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestData.Password });
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            token = body.RootElement.GetProperty("accessToken").GetString()!;
            _tokens[email] = token;
        }

        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:AskPro", $"Data Source={DatabasePath}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }
}
