using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>
/// A row version conflict (<see cref="DbUpdateConcurrencyException"/>, ADR 0022) that a write path did not handle
/// itself is a 409, not a 500. The write paths that edit versioned rows read the row again (<c>ConcurrentWrites</c>);
/// any other path that meets a conflict gets this: its <c>SaveChanges</c> was refused and rolled back, so the client
/// reads again and resends. Logged (event 4610) with the route and the entity types, never their values.
/// </summary>
internal sealed class ConcurrencyConflictExceptionHandler(IProblemDetailsService problems, ILogger<ConcurrencyConflictExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (httpContext.Response.HasStarted || ExceptionChain.Find<DbUpdateConcurrencyException>(exception) is not { } conflict)
        {
            return false;
        }

        // The failed request's endpoint (the middleware has cleared the current one): its pattern, without the ids.
        var route = (httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        var entities = string.Join(", ", conflict.Entries.Select(e => e.Metadata.ClrType.Name).Distinct(StringComparer.Ordinal));
        Log.ConcurrencyConflictAnswered(logger, httpContext.Request.Method, route, entities.Length == 0 ? "(unknown)" : entities);
        httpContext.Response.StatusCode = StatusCodes.Status409Conflict;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Changed concurrently",
                Detail = "The data this request changes was changed or deleted by another request while this one was saved; the change of this request was not saved. Read the data again and send the change again.",
            },
        });
    }
}
