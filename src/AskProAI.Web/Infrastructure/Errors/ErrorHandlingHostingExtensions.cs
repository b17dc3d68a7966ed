namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>Every error is a ProblemDetails response: bad input 4xx with a message; a 500 means a bug.</summary>
internal static class ErrorHandlingHostingExtensions
{
    /// <summary>Adds ProblemDetails with the request's trace id.</summary>
    public static WebApplicationBuilder AddErrorHandling(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier));
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
