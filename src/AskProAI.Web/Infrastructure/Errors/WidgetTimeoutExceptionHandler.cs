using System.Globalization;
using AskProAI.Caching;
using Microsoft.AspNetCore.Diagnostics;

namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>
/// A widget whose computation passed its hard timeout (<see cref="WidgetTimeoutException"/>) is a 503 with
/// <c>Retry-After</c>: the request never hangs, and the computation goes on, so a retry usually finds its value cached.
/// The engine has logged it (event 1012) and counted it (<c>hardTimeouts</c> in the cache statistics).
/// </summary>
internal sealed class WidgetTimeoutExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>The seconds a client is asked to wait.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not WidgetTimeoutException timeout || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Widget not ready",
                Detail = string.Create(
                    CultureInfo.InvariantCulture,
                    $"The widget '{timeout.Widget}' took longer than {timeout.Timeout.TotalSeconds:0.###} s to compute. It is still being computed; retry after the time in Retry-After."),
                Extensions = { ["widget"] = timeout.Widget },
            },
        });
    }
}
