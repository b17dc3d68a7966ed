namespace AskProAI.Web.Features.Dashboard;

/// <summary>Maps the dashboard page: static HTML, CSS and JS from wwwroot that reads the widget API.</summary>
internal static class DashboardPageEndpoints
{
    private const string PageFile = "dashboard.html";

    /// <summary>Maps <c>GET /</c> (cookie login required; anonymous users are sent to <c>/login</c>).</summary>
    public static IEndpointRouteBuilder MapDashboardPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext context, IWebHostEnvironment environment) =>
            {
                var file = environment.WebRootFileProvider.GetFileInfo(PageFile);
                if (!file.Exists)
                {
                    return Results.Problem(title: "Dashboard page missing", detail: "wwwroot/dashboard.html was not deployed.", statusCode: 500);
                }

                context.Response.Headers.CacheControl = "no-store";
                return Results.Stream(file.CreateReadStream(), "text/html; charset=utf-8");
            })
            .RequireAuthorization()
            .ExcludeFromDescription();
        return app;
    }
}
