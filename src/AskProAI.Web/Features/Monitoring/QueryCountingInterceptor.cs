using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Monitoring;

/// <summary>
/// Counts every database command and logs the slow ones with their duration. Never logs the SQL text or its
/// parameters: they may carry tenant data.
/// </summary>
internal sealed class QueryCountingInterceptor(DatabaseMetrics metrics, IOptions<MonitoringOptions> options, ILogger<QueryCountingInterceptor> logger)
    : DbCommandInterceptor
{
    private readonly TimeSpan _threshold = options.Value.SlowQueryThreshold;

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        Count(eventData, failed: false);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        Count(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Count(eventData, failed: false);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Count(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Count(eventData, failed: false);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Count(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Count(eventData, failed: true);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Count(eventData, failed: true);
        return Task.CompletedTask;
    }

    private void Count(CommandEndEventData eventData, bool failed)
    {
        var slow = eventData.Duration >= _threshold;
        metrics.Executed(eventData.Duration, failed, slow);
        if (slow)
        {
            Log.SlowQuery(logger, eventData.Duration.TotalMilliseconds, eventData.ExecuteMethod.ToString(), eventData.Context?.GetType().Name ?? "?");
        }
    }
}
