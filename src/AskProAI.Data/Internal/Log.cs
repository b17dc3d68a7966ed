using Microsoft.Extensions.Logging;

namespace AskProAI.Data.Internal;

/// <summary>Every log message of the data assembly, with fixed event ids (3000-3999, see docs/architecture.md). Counts only, never row contents.</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Database ready ({Provider}): {Applied} migrations applied")]
    public static partial void Migrated(ILogger logger, string provider, int applied);

    [LoggerMessage(3002, LogLevel.Information, "Generating demo data: {Companies} companies x {CallsPerCompany} calls over {Days} days (seed {Seed})")]
    public static partial void DemoDataStarting(ILogger logger, int companies, int callsPerCompany, int days, int seed);

    [LoggerMessage(3003, LogLevel.Information, "Demo data generated: {Calls} calls, {Appointments} appointments, {Customers} customers in {ElapsedMs:F0} ms")]
    public static partial void DemoDataGenerated(ILogger logger, long calls, long appointments, int customers, double elapsedMs);

    [LoggerMessage(3004, LogLevel.Debug, "Demo data: wrote {Rows} rows to {Table} in {ElapsedMs:F0} ms")]
    public static partial void DemoTableWritten(ILogger logger, string table, int rows, double elapsedMs);

    [LoggerMessage(3005, LogLevel.Debug, "Demo data: built {Rows} call and appointment rows in memory after {ElapsedMs:F0} ms")]
    public static partial void DemoDataBuilt(ILogger logger, long rows, double elapsedMs);
}
