using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;

namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>
/// A transient database failure (SQLite busy or locked past its busy timeout, a PostgreSQL connection failure) is a
/// 503 with <c>Retry-After</c>, not a 500: the request was not applied and may be sent again.
/// </summary>
internal sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    /// <summary>The seconds a client is asked to wait.</summary>
    public const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var gone = IsFileGone(exception);
        if (httpContext.Response.HasStarted || (!gone && !IsTransient(exception)))
        {
            return false;
        }

        Log.DatabaseUnavailable(logger, exception.GetType().Name);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = gone ? "Database unavailable" : "Database busy",
                Detail = gone
                    ? "The database cannot be reached; nothing was changed. Retry after the time in Retry-After."
                    : "The database could not take the request now; nothing was changed. Retry after the time in Retry-After.",
            },
        });
    }

    /// <summary>SQLITE_CANTOPEN (14): the database file is gone (raised by the data layer's file guard) or unreadable.</summary>
    private static bool IsFileGone(Exception? exception) =>
        ExceptionChain.Find<SqliteException>(exception, static e => e.SqliteErrorCode == 14) is not null;

    // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another connection held the lock past the busy timeout.
    private static bool IsTransient(Exception? exception) =>
        ExceptionChain.Find<Exception>(exception, static e => e is DbException { IsTransient: true } or SqliteException { SqliteErrorCode: 5 or 6 }) is not null;
}
