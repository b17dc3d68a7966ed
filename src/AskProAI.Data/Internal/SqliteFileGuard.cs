using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AskProAI.Data.Internal;

/// <summary>
/// Refuses every command on a SQLite database whose file is gone. Pooled connections keep the deleted (unlinked) file
/// open, so without this check a write would succeed, be acknowledged, and vanish with the last connection.
/// </summary>
/// <remarks>
/// The check is one <c>stat</c> of the path the open connection reports; in-memory databases have none and pass.
/// The error is SQLITE_CANTOPEN (14), which the service answers as 503 (nothing was changed).
/// </remarks>
internal sealed class SqliteFileGuard : DbCommandInterceptor
{
    /// <summary>The SQLite result code raised: the database file cannot be opened.</summary>
    public const int CantOpen = 14;

    private SqliteFileGuard()
    {
    }

    /// <summary>Gets the one instance (the guard has no state).</summary>
    public static SqliteFileGuard Instance { get; } = new();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    private static void Check(DbCommand command)
    {
        // DataSource is the full path of the main database once the connection is open ("" for in-memory ones).
        if (command.Connection is SqliteConnection { State: System.Data.ConnectionState.Open, DataSource: { Length: > 0 } path }
            && !File.Exists(path))
        {
            throw new SqliteException("The database file is gone; nothing was changed.", CantOpen);
        }
    }
}
