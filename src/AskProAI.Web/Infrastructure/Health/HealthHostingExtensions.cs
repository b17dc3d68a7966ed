using System.Buffers;
using System.Data.Common;
using System.Text.Json;
using AskProAI.Data;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
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

    /// <summary>
    /// Maps <c>GET /health</c> (anonymous): JSON with the overall status and each check's status, description and data
    /// (for Redis: the circuit state and the last error); 200 when Healthy or Degraded, 503 when Unhealthy.
    /// </summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteJsonAsync }).AllowAnonymous();
        return app;
    }

    private static async Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var buffer = new ArrayBufferWriter<byte>(1024); // the response body allows no synchronous writes
        using var json = new Utf8JsonWriter(buffer);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description);
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            if (entry.Exception is { } ex)
            {
                json.WriteString("error", ex.GetType().Name); // the message may carry a connection string
            }

            foreach (var (key, value) in entry.Data)
            {
                json.WritePropertyName(key);
                JsonSerializer.Serialize(json, value, value?.GetType() ?? typeof(object));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
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
        return HealthCheckResult.Healthy("The database can be written.");
    }

    private static async Task<HealthCheckResult> CheckPostgreSqlAsync(AskProDbContext db, CancellationToken cancellationToken)
    {
        var readOnly = await db.Database.SqlQueryRaw<bool>("SELECT pg_is_in_recovery() AS \"Value\"").SingleAsync(cancellationToken);
        return readOnly ? HealthCheckResult.Unhealthy("The database is a read-only standby.") : HealthCheckResult.Healthy("The database can be written.");
    }
}
