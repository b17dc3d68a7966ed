using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AskProAI.Data.Tests;

/// <summary>A database of its own for one test (a temporary SQLite file, or a fresh PostgreSQL database) with the data services on a fake clock.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    // Wednesday 2025-08-06 10:07:30 UTC: business hours in Berlin.
    public static readonly DateTimeOffset Now = new(2025, 8, 6, 10, 7, 30, TimeSpan.Zero);

    private readonly Func<ValueTask> _drop;

    private TestDatabase(string provider, string connectionString, Func<ValueTask> drop, FakeTimeProvider? time)
    {
        _drop = drop;
        Provider = provider;
        Time = time ?? new FakeTimeProvider(Now);
        ConnectionString = connectionString;
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Database:Provider"] = provider,
                ["ConnectionStrings:AskPro"] = connectionString,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddAskProData(configuration);
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    public FakeTimeProvider Time { get; }

    public string Provider { get; }

    public string ConnectionString { get; }

    public ServiceProvider Services { get; }

    public DemoDataGenerator Generator => Services.GetRequiredService<DemoDataGenerator>();

    public static TestDatabase Sqlite(FakeTimeProvider? time = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "askpro-data-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "askpro.db");
        return new TestDatabase("Sqlite", $"Data Source={file};Pooling=False", () =>
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            return ValueTask.CompletedTask;
        }, time);
    }

    /// <summary>Creates a uniquely named database on the server named by <c>ASKPRO_TEST_POSTGRES</c>; fails the test when it is not set.</summary>
    public static async Task<TestDatabase> PostgreSqlAsync()
    {
        var database = await PostgreSqlTestDatabase.CreateAsync();
        return new TestDatabase("PostgreSql", database.ConnectionString, database.DisposeAsync, null);
    }

    /// <summary>The same PostgreSQL database through connections with this command timeout; only the original drops it.</summary>
    public TestDatabase WithCommandTimeout(int seconds) =>
        new(Provider, new NpgsqlConnectionStringBuilder(ConnectionString) { CommandTimeout = seconds }.ConnectionString, () => ValueTask.CompletedTask, Time);

    public Task MigrateAsync() => AskProDatabase.MigrateAsync(Services);

    public AskProDbContext CreateContext()
        => Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<AskProDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await _drop();
    }
}
