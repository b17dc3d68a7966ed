using System.Data.Common;
using AskProAI.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AskProAI.Web.Infrastructure.Health;

/// <summary>Registers and maps <c>GET /health</c>.</summary>
internal static class HealthHostingExtensions
{
    /// <summary>Adds the health checks: the database can be written.</summary>
    public static WebApplicationBuilder AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>Maps <c>GET /health</c> (anonymous): <c>Healthy</c>, or 503 <c>Unhealthy</c> when the database cannot be written.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health").AllowAnonymous();
        return app;
    }
}

/// <summary>
/// Healthy when the database can be written: SQLite takes a write lock (<c>BEGIN IMMEDIATE</c>, then rolls back) within
/// a second and its file still exists; PostgreSQL answers and is not a read-only standby.
/// </summary>
internal sealed class DatabaseHealthCheck(IDbContextFactory<AskProDbContext> dbFactory) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }

            return db.Database.IsSqlite() ? await CheckSqliteAsync(db, cancellationToken) : await CheckPostgreSqlAsync(db, cancellationToken);
        }
        catch (DbException exception)
        {
            return HealthCheckResult.Unhealthy($"The database cannot be written ({exception.GetType().Name}).");
        }
    }

    private static async Task<HealthCheckResult> CheckSqliteAsync(AskProDbContext db, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        if (connection.DataSource is { Length: > 0 } file && file != ":memory:" && !File.Exists(file))
        {
            return HealthCheckResult.Unhealthy("The database file is gone.");
        }

        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 1;
        command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        return HealthCheckResult.Healthy();
    }

    private static async Task<HealthCheckResult> CheckPostgreSqlAsync(AskProDbContext db, CancellationToken cancellationToken)
    {
        var readOnly = await db.Database.SqlQueryRaw<bool>("SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync(cancellationToken);
        return readOnly ? HealthCheckResult.Unhealthy("The database is a read-only standby.") : HealthCheckResult.Healthy();
    }
}
