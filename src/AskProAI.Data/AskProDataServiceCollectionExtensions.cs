using AskProAI.Data.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AskProAI.Data;

/// <summary>Registers the AskProAI database.</summary>
public static class AskProDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds the database for the provider named by <c>Database:Provider</c> (<c>Sqlite</c>, the default, or <c>PostgreSql</c>)
    /// with the connection string <c>ConnectionStrings:AskPro</c> (for SQLite the default is <c>Data Source=data/askpro.db</c>,
    /// whose folder is created). Registers a singleton <see cref="IDbContextFactory{TContext}"/> of <see cref="AskProDbContext"/>
    /// for widgets and background jobs, a scoped <see cref="AskProDbContext"/> for ASP.NET Identity and request code,
    /// <see cref="DemoDataGenerator"/> and validated <see cref="DemoDataOptions"/> (section <c>DemoData</c>).
    /// Every <see cref="IInterceptor"/> registered as a singleton service (query counting, cache invalidation
    /// after commit) is added to every context.
    /// </summary>
    /// <exception cref="InvalidOperationException">The provider name is unknown, or PostgreSQL has no connection string.</exception>
    public static IServiceCollection AddAskProData(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var settings = DatabaseSettings.From(configuration);
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                services.AddDbContextFactory<SqliteAskProDbContext>((sp, options) =>
                {
                    DatabaseSettings.EnsureSqliteFolder(settings.ConnectionString);
                    options.UseSqlite(DatabaseSettings.WithBusyTimeout(settings.ConnectionString))
                        .AddInterceptors(sp.GetServices<IInterceptor>())
                        .AddInterceptors(SqliteFileGuard.Instance);
                });
                services.TryAddSingleton<IDbContextFactory<AskProDbContext>, AskProDbContextFactory<SqliteAskProDbContext>>();
                break;
            case DatabaseProvider.PostgreSql:
                services.AddDbContextFactory<PostgreSqlAskProDbContext>((sp, options) =>
                    options.UseNpgsql(settings.ConnectionString).AddInterceptors(sp.GetServices<IInterceptor>()));
                services.TryAddSingleton<IDbContextFactory<AskProDbContext>, AskProDbContextFactory<PostgreSqlAskProDbContext>>();
                break;
        }

        // The container disposes the context at the end of the scope.
        services.TryAddScoped(sp => sp.GetRequiredService<IDbContextFactory<AskProDbContext>>().CreateDbContext());

        services.AddOptions<DemoDataOptions>()
            .Bind(configuration.GetSection(DemoDataOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DemoDataOptions>, DemoDataOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DemoDataGenerator>();
        return services;
    }
}
