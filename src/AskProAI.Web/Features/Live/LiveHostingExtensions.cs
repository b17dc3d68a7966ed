using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.Invalidation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;

namespace AskProAI.Web.Features.Live;

/// <summary>Registers and maps live push: the dashboard hub and the notifier the invalidator calls.</summary>
internal static class LiveHostingExtensions
{
    /// <summary>The hub's path.</summary>
    public const string HubPath = "/hubs/dashboard";

    /// <summary>
    /// Adds SignalR and the notifier. Browsers cannot set headers on WebSockets, so a bearer token may also come as
    /// <c>?access_token=</c> on the hub path (the cookie works as it is).
    /// </summary>
    public static WebApplicationBuilder AddLiveUpdates(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSignalR();
        services.AddSingleton<WatchedCompanies>();
        services.AddSingleton<IWidgetChangeNotifier, HubWidgetChangeNotifier>();
        services.AddHostedService<RemoteInvalidationRelay>();

        services.PostConfigure<PolicySchemeOptions>(AuthConstants.Scheme, o =>
        {
            var inner = o.ForwardDefaultSelector;
            o.ForwardDefaultSelector = context => HubToken(context) is not null ? AuthConstants.BearerScheme : inner?.Invoke(context);
        });
        services.PostConfigure<BearerTokenOptions>(IdentityConstants.BearerScheme, o =>
        {
            var inner = o.Events.OnMessageReceived;
            o.Events.OnMessageReceived = async context =>
            {
                await inner(context);
                context.Token ??= HubToken(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Maps the hub at <c>/hubs/dashboard</c> (authorized: cookie or bearer).</summary>
    public static IEndpointRouteBuilder MapLiveUpdates(this IEndpointRouteBuilder app)
    {
        app.MapHub<DashboardHub>(HubPath);
        return app;
    }

    private static string? HubToken(HttpContext context) =>
        context.Request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase)
        && context.Request.Headers.Authorization.Count == 0
        && context.Request.Query["access_token"] is { Count: 1 } token
        && !string.IsNullOrEmpty(token[0])
            ? token[0]
            : null;
}
