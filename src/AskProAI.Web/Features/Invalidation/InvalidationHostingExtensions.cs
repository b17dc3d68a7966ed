using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>Registers automatic invalidation: change tracker observers, the explicit invalidator and the route middleware.</summary>
internal static class InvalidationHostingExtensions
{
    /// <summary>
    /// Adds <see cref="IWidgetInvalidator"/> and the save/transaction interceptors (singleton <see cref="IInterceptor"/>s,
    /// which the data layer adds to every DbContext).
    /// </summary>
    public static WebApplicationBuilder AddWidgetInvalidation(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<IWidgetInvalidator, WidgetInvalidator>();
        services.AddSingleton<ChangeJournal>();
        services.AddSingleton<IInterceptor, InvalidationSaveChangesInterceptor>();
        services.AddSingleton<IInterceptor, InvalidationTransactionInterceptor>();
        return builder;
    }

    /// <summary>Uses the middleware that runs the invalidations endpoints declare (after routing and authorization).</summary>
    public static WebApplication UseWidgetInvalidation(this WebApplication app)
    {
        app.UseMiddleware<RouteInvalidationMiddleware>();
        return app;
    }
}
