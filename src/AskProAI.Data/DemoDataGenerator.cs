using System.ComponentModel.DataAnnotations;
using AskProAI.Data.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AskProAI.Data;

/// <summary>
/// Fills an empty database with deterministic demo tenants: companies 1..N with branches, staff, customers, calls over the
/// last days (shaped by hour and weekday, with calls in progress now) and the appointments those calls booked.
/// Rows are bulk-inserted (SQLite: prepared INSERTs in one transaction; PostgreSQL: binary COPY), not change-tracked.
/// </summary>
public sealed class DemoDataGenerator
{
    private readonly IDbContextFactory<AskProDbContext> _contexts;
    private readonly TimeProvider _time;
    private readonly ILogger<DemoDataGenerator> _logger;

    /// <summary>Initializes a new instance of the <see cref="DemoDataGenerator"/> class.</summary>
    public DemoDataGenerator(IDbContextFactory<AskProDbContext> contexts, TimeProvider time, ILogger<DemoDataGenerator> logger)
    {
        _contexts = contexts;
        _time = time;
        _logger = logger;
    }

    /// <summary>Returns whether the database has any company.</summary>
    public async Task<bool> HasDataAsync(CancellationToken cancellationToken = default)
    {
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            return await db.Companies.AnyAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Generates demo data relative to the <see cref="TimeProvider"/>'s now. The same options and now give identical rows.
    /// </summary>
    /// <exception cref="ValidationException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">The database already has companies.</exception>
    public async Task<DemoDataResult> GenerateAsync(DemoDataOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);

        var started = _time.GetTimestamp();
        Log.DemoDataStarting(_logger, options.Companies, options.CallsPerCompany, options.Days, options.Seed);
        var db = await _contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using (db.ConfigureAwait(false))
        {
            // Ids 1..N are part of the contract (company N's manager), so only an empty database will do.
            if (await db.Companies.AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The database already has companies; demo data is only generated into an empty database.");
            }

            var data = DemoDataBuilder.Build(options, _time.GetUtcNow().UtcDateTime);
            Log.DemoDataBuilt(_logger, data.Calls.Length + data.Appointments.Length, _time.GetElapsedTime(started).TotalMilliseconds);
            if (db.Database.IsNpgsql())
            {
                await PostgreSqlDemoDataWriter.WriteAsync(db, data, _time, _logger, cancellationToken).ConfigureAwait(false);
            }
            else if (db.Database.IsSqlite())
            {
                // Microsoft.Data.Sqlite is synchronous underneath; keep the caller's thread free.
                await Task.Run(() => SqliteDemoDataWriter.Write(db, data, _time, _logger, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new NotSupportedException($"Demo data cannot be written to provider {db.Database.ProviderName}.");
            }

            var elapsed = _time.GetElapsedTime(started);
            Log.DemoDataGenerated(_logger, data.Calls.Length, data.Appointments.Length, data.Customers.Length, elapsed.TotalMilliseconds);
            return new DemoDataResult(
                data.Companies.Length, data.Branches.Length, data.Staff.Length, data.Customers.Length,
                data.Calls.Length, data.Appointments.Length, elapsed);
        }
    }
}
