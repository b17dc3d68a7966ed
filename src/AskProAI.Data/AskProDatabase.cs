using AskProAI.Data.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AskProAI.Data;

/// <summary>Database lifecycle operations for application start.</summary>
public static class AskProDatabase
{
    /// <summary>
    /// Creates the database if needed and applies the configured provider's pending migrations.
    /// For SQLite it also switches the file to WAL so dashboard reads do not wait for writers.
    /// </summary>
    /// <param name="services">A service provider on which <see cref="AskProDataServiceCollectionExtensions.AddAskProData"/> was called.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger(typeof(AskProDatabase).FullName!) ?? NullLogger.Instance;
        var factory = services.GetRequiredService<IDbContextFactory<AskProDbContext>>();
        var db = await factory.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            Log.Migrated(logger, db.Database.ProviderName ?? "unknown", pending.Count);
        }
    }
}
