using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>Registers invalidation: the change tracker observers (EF writes) and the invalidator (writes around the change tracker).</summary>
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

        // Lazy: the widgets' DbContext factory takes the interceptors, which take the invalidator.
        services.AddSingleton(sp => new Lazy<Widgets.WidgetRegistry>(sp.GetRequiredService<Widgets.WidgetRegistry>));
        services.AddSingleton<WritesInFlight>();
        services.AddSingleton<ChangeJournal>();
        services.AddSingleton<IInterceptor, InvalidationSaveChangesInterceptor>();
        services.AddSingleton<IInterceptor, InvalidationTransactionInterceptor>();
        return builder;
    }
}
