using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// Makes the next <c>UPDATE</c> commands of one table find no row, as if another write had changed it in between: the
/// row version (ADR 0022) then refuses the save with a <c>DbUpdateConcurrencyException</c>.
/// </summary>
public sealed class ConflictInjector : DbCommandInterceptor
{
    private int _armed;
    private string _update = "UPDATE \"Calls\" SET";

    public int Armed => Volatile.Read(ref _armed);

    /// <summary>Arms the next <paramref name="times"/> updates of <paramref name="table"/> (0 disarms).</summary>
    public void Arm(int times, string table = "Calls")
    {
        Volatile.Write(ref _update, $"UPDATE \"{table}\" SET");
        Volatile.Write(ref _armed, times);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Inject(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Inject(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Inject(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Inject(command);
        return ValueTask.FromResult(result);
    }

    private void Inject(DbCommand command)
    {
        var update = Volatile.Read(ref _update);
        if (command.CommandText.Contains(update, StringComparison.Ordinal) && Interlocked.Decrement(ref _armed) >= 0)
        {
            var at = command.CommandText.IndexOf(update, StringComparison.Ordinal);
            var where = command.CommandText.IndexOf("WHERE ", at, StringComparison.Ordinal);
            command.CommandText = string.Concat(command.CommandText.AsSpan(0, where), "WHERE 1 = 0 AND ", command.CommandText.AsSpan(where + "WHERE ".Length));
        }
        else
        {
            Interlocked.CompareExchange(ref _armed, 0, -1);
        }
    }
}
