using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AskProAI.Data.Tests;

public sealed class AskProDataServiceCollectionExtensionsTests
{
    [Fact]
    public void AddAskProData_UnknownProvider_ThrowsNamingTheSetting()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddAskProData(Configuration(("Database:Provider", "Oracle"))));

        Assert.Contains("Oracle", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database:Provider", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddAskProData_PostgreSqlWithoutConnectionString_Throws()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddAskProData(Configuration(("Database:Provider", "PostgreSql"))));

        Assert.Contains("ConnectionStrings:AskPro", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddAskProData_Sqlite_RegistersFactoryScopedContextAndCreatesFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "askpro-data-tests", Guid.NewGuid().ToString("N"), "nested");
        try
        {
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddAskProData(Configuration(("ConnectionStrings:AskPro", $"Data Source={Path.Combine(folder, "a.db")};Pooling=False")));
            await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

            var factory = provider.GetRequiredService<IDbContextFactory<AskProDbContext>>();
            Assert.Same(factory, provider.GetRequiredService<IDbContextFactory<AskProDbContext>>());
            await using (var db = await factory.CreateDbContextAsync())
            {
                Assert.IsType<SqliteAskProDbContext>(db);
            }

            AskProDbContext scoped;
            await using (var scope = provider.CreateAsyncScope())
            {
                scoped = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                Assert.Same(scoped, scope.ServiceProvider.GetRequiredService<AskProDbContext>());
                Assert.True(scoped.Database.IsSqlite());
            }

            Assert.Throws<ObjectDisposedException>(() => scoped.Companies.Count());
            Assert.True(Directory.Exists(folder));
            Assert.NotNull(provider.GetRequiredService<DemoDataGenerator>());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(folder)!, recursive: true);
        }
    }

    [Fact]
    public void AddAskProData_PostgreSql_ResolvesNpgsqlContextWithoutConnecting()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAskProData(Configuration(
            ("Database:Provider", "PostgreSql"),
            ("ConnectionStrings:AskPro", "Host=127.0.0.1;Port=1;Database=none")));
        using var provider = services.BuildServiceProvider();

        using var db = provider.GetRequiredService<IDbContextFactory<AskProDbContext>>().CreateDbContext();

        Assert.IsType<PostgreSqlAskProDbContext>(db);
        Assert.True(db.Database.IsNpgsql());
    }

    [Fact]
    public void AddAskProData_DemoDataSection_BindsAndValidates()
    {
        var services = new ServiceCollection();
        services.AddAskProData(Configuration(("DemoData:Companies", "3"), ("DemoData:CallsPerCompany", "1000")));
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<DemoDataOptions>>().Value;
        Assert.Equal(3, options.Companies);
        Assert.Equal(1000, options.CallsPerCompany);
        Assert.Equal(42, options.Seed);

        var invalid = new ServiceCollection();
        invalid.AddAskProData(Configuration(("DemoData:Companies", "0")));
        using var invalidProvider = invalid.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => invalidProvider.GetRequiredService<IOptions<DemoDataOptions>>().Value);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();
}
