using AskProAI.Web.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>Registers and maps cache administration: jobs, the warm schedule, the admin API and the analytics page.</summary>
internal static class CacheAdminHostingExtensions
{
    /// <summary>The authorization policy of the admin API: a SuperAdmin by cookie or Identity bearer token, or the admin API token.</summary>
    public const string Policy = "CacheAdmin";

    private const string PageFile = "cache-admin.html";
    private const string ForbiddenFile = "forbidden.html";

    /// <summary>
    /// Adds the job tracker, the warmer and its schedule (<c>Cache:Warm</c>, validated at start), the dashboard activity
    /// tracker, the statistics sampler, the admin token scheme (<c>Admin:ApiToken</c>) and the <see cref="Policy"/> policy.
    /// </summary>
    public static WebApplicationBuilder AddCacheAdmin(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<CacheWarmOptions>().BindConfiguration(CacheWarmOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheWarmOptions>, CacheWarmOptionsValidator>();
        services.AddOptions<AdminApiOptions>().BindConfiguration(AdminApiOptions.SectionName);

        services.AddSingleton<CacheJobTracker>();
        services.AddSingleton<DashboardActivity>();
        services.AddSingleton<CacheWarmer>();
        services.AddSingleton<CacheWarmScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<CacheWarmScheduler>());
        services.AddSingleton<CacheStatsHistory>();
        services.AddHostedService<CacheStatsSampler>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminTokenHandler>(AdminTokenHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(AuthConstants.Scheme, AdminTokenHandler.SchemeName)
            .RequireRole(AuthConstants.SuperAdminRole));
        return builder;
    }

    /// <summary>
    /// Maps the admin API (<c>/api/admin/cache/...</c>) and the analytics page <c>GET /admin/cache</c>, and observes
    /// the widget endpoints (active companies, hit latency).
    /// </summary>
    public static WebApplication MapCacheAdmin(this WebApplication app)
    {
        // Runs after routing (added by WebApplication), so the widget endpoints are recognised by name.
        app.UseMiddleware<DashboardActivityMiddleware>();
        app.MapCacheAdminApi();
        app.MapGet("/admin/cache", ServePage).RequireAuthorization().ExcludeFromDescription();
        return app;
    }

    private static IResult ServePage(HttpContext context, IWebHostEnvironment environment)
    {
        // Anonymous users are sent to the login form by the cookie scheme; signed-in non-admins get a page (403) that
        // says why and leads back to their dashboard, not a ProblemDetails JSON a browser shows raw.
        var admin = context.User.IsInRole(AuthConstants.SuperAdminRole);
        var file = environment.WebRootFileProvider.GetFileInfo(admin ? PageFile : ForbiddenFile);
        if (!file.Exists)
        {
            return TypedResults.Problem(title: "Page missing", detail: $"wwwroot/{PageFile} was not deployed.", statusCode: StatusCodes.Status500InternalServerError);
        }

        context.Response.Headers.CacheControl = "no-store";
        if (!admin)
        {
            using var reader = new StreamReader(file.CreateReadStream());
            return TypedResults.Content(reader.ReadToEnd(), "text/html; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        }

        return Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8");
    }
}
