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

/// <summary>The database provider a test host runs on.</summary>
public enum TestDatabaseProvider
{
    /// <summary>A SQLite file of the fixture's own.</summary>
    Sqlite,

    /// <summary>A fresh database on the server named by <c>ASKPRO_TEST_POSTGRES</c>, dropped on dispose.</summary>
    PostgreSql,
}

/// <summary>
/// The real service over a database of its own (one per test class: a SQLite file, or a fresh PostgreSQL database),
/// seeded with <see cref="TestData"/>, with a <see cref="FakeTimeProvider"/> fixed at <see cref="TestData.Now"/>.
/// Runs in the "Testing" environment (production-like: no demo data, no developer pages).
/// </summary>
public class WebAppFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly Dictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private PostgreSqlTestDatabase? _postgres;

    public WebAppFixture(string? databasePath = null)
        : this(TestDatabaseProvider.Sqlite, databasePath)
    {
    }

    protected WebAppFixture(TestDatabaseProvider provider, string? databasePath = null)
    {
        Provider = provider;
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), $"askpro-web-tests-{Guid.NewGuid():N}.db");
    }

    public TestDatabaseProvider Provider { get; }

    /// <summary>Gets the SQLite file (unused on PostgreSQL).</summary>
    public string DatabasePath { get; }

    /// <summary>Gets or sets whether disposing deletes the database (off to hand a SQLite file to another fixture).</summary>
    public bool DeleteDatabaseOnDispose { get; set; } = true;

    public FakeTimeProvider Time { get; } = new(TestData.Now);

    protected virtual string EnvironmentName => "Testing";

    public virtual async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        _ = Services; // starts the host: migrations run
        await TestData.SeedAsync(Services);
    }

    async Task IAsyncLifetime.DisposeAsync() => await DisposeAsync();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
            _postgres = null;
        }

        if (Provider == TestDatabaseProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            if (DeleteDatabaseOnDispose)
            {
                foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
                {
                    File.Delete(DatabasePath + suffix);
                }
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

    /// <summary>
    /// Creates the PostgreSQL database before the host starts (failing the test when <c>ASKPRO_TEST_POSTGRES</c> is
    /// not set); for SQLite there is nothing to do, the host creates the file.
    /// </summary>
    protected async Task CreateDatabaseAsync()
    {
        if (Provider == TestDatabaseProvider.PostgreSql)
        {
            _postgres ??= await PostgreSqlTestDatabase.CreateAsync();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);

        // Every test client shares one address; the rate limit tests set their own limits.
        builder.UseSetting("RateLimits:GlobalPerSecond", "1000000");
        builder.UseSetting("RateLimits:LoginPermits", "1000000");
        builder.UseSetting("RateLimits:WebhooksPerSecond", "1000000");
        builder.UseSetting("RateLimits:MaxFailedSignIns", "1000");
        ConfigureDatabase(builder);
        builder.ConfigureTestServices(ConfigureClock);
    }

    /// <summary>Points the host at the fixture's database.</summary>
    protected virtual void ConfigureDatabase(IWebHostBuilder builder)
    {
        if (Provider == TestDatabaseProvider.PostgreSql)
        {
            UsePostgreSql(
                builder,
                _postgres?.ConnectionString ?? throw new InvalidOperationException("The PostgreSQL database is created in InitializeAsync, before the host starts."));
        }
        else
        {
            builder.UseSetting("ConnectionStrings:AskPro", $"Data Source={DatabasePath}");
            builder.UseSetting("Database:Provider", "Sqlite");
        }
    }

    /// <summary>The service's clock: <see cref="Time"/>, fixed until a test advances it.</summary>
    protected virtual void ConfigureClock(IServiceCollection services) => services.AddSingleton<TimeProvider>(Time);

    protected static void UsePostgreSql(IWebHostBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("ConnectionStrings:AskPro", connectionString);
        builder.UseSetting("Database:Provider", "PostgreSql");
    }
}
