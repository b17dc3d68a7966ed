namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>Every error is a ProblemDetails response: bad input 4xx with a message; a 500 means a bug.</summary>
internal static class ErrorHandlingHostingExtensions
{
    /// <summary>
    /// Adds ProblemDetails with the request's trace id, and the handler that turns the framework's
    /// <see cref="BadHttpRequestException"/> (malformed JSON, a number beyond its type, a wrong content type) into a 4xx
    /// ValidationProblem naming the field, 409 for a row version conflict no write path handled itself, and 503 with
    /// <c>Retry-After</c> for a busy database and for a widget past its hard timeout. Minimal APIs throw it in every environment (not only Development), so the
    /// answer is the same in Development and Production.
    /// </summary>
    public static WebApplicationBuilder AddErrorHandling(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<ConcurrencyConflictExceptionHandler>();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        builder.Services.AddExceptionHandler<WidgetTimeoutExceptionHandler>();
        return builder;
    }

    /// <summary>Uses the exception handler (500 as ProblemDetails, no exception text) and status code pages for empty error responses.</summary>
    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
