using System.Globalization;
using System.Text;
using AskProAI.Caching;
using AskProAI.Web.Features.Tenancy;

namespace AskProAI.Web.Features.Widgets;

/// <summary>Maps the widget API: one widget, or the whole dashboard, of one company.</summary>
internal static class WidgetEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/companies/{companyId}/widgets/{name}</c> (the widget value, with <c>X-Cache</c> and
    /// <c>Server-Timing</c> headers) and <c>GET /api/companies/{companyId}/dashboard</c> (every widget with its cache outcome).
    /// </summary>
    public static IEndpointRouteBuilder MapWidgets(this IEndpointRouteBuilder app)
    {
        // The company id is taken as a string so that a malformed id is a 400 from us, not a routing 404.
        var company = app.MapGroup("/api/companies/{companyId}").RequireAuthorization();
        company.MapGet("/widgets/{name}", GetWidgetAsync).WithName("GetWidget");
        company.MapGet("/dashboard", GetDashboardAsync).WithName("GetDashboard");
        return app;
    }

    private static async Task<IResult> GetWidgetAsync(
        string companyId,
        string name,
        HttpContext context,
        TenantGate tenants,
        WidgetRegistry widgets,
        IWidgetCache cache,
        CancellationToken cancellationToken)
    {
        var access = await tenants.CheckAsync(context.User, companyId, cancellationToken);
        if (access.Problem is { } refused)
        {
            return refused;
        }

        if (!widgets.TryGet(name, out var widget))
        {
            return TypedResults.Problem(
                title: "Unknown widget",
                detail: $"No widget has this name. Known widgets: {string.Join(", ", widgets.Names)}.",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["widgets"] = widgets.Names });
        }

        var result = await widget.GetAsync(cache, access.CompanyId, cancellationToken);
        var headers = context.Response.Headers;
        headers["X-Cache"] = result.Outcome.ToHeader();
        headers["Server-Timing"] = ServerTiming(result, "cache");
        headers.CacheControl = "no-store";
        return TypedResults.Ok(result.Value);
    }

    private static async Task<IResult> GetDashboardAsync(
        string companyId,
        HttpContext context,
        TenantGate tenants,
        WidgetRegistry widgets,
        IWidgetCache cache,
        CancellationToken cancellationToken)
    {
        var access = await tenants.CheckAsync(context.User, companyId, cancellationToken);
        if (access.Problem is { } refused)
        {
            return refused;
        }

        // Each widget has its own DbContext, so the misses run side by side.
        var results = await Task.WhenAll(widgets.All.Select(w => w.GetAsync(cache, access.CompanyId, cancellationToken).AsTask()));
        var body = new Dashboard(
            access.CompanyId,
            results.ToDictionary(
                r => r.Definition.Name,
                r => new DashboardEntry(r.Outcome.ToHeader(), r.Definition.Tier.Name(), r.ComputedAt, r.Value),
                StringComparer.Ordinal));
        context.Response.Headers["Server-Timing"] = string.Join(", ", results.Select(r => ServerTiming(r, r.Definition.Name)));
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(body);
    }

    /// <summary><c>cache;desc="MISS";dur=12.3, compute;dur=12.1</c> (the compute part only when this request computed).</summary>
    private static string ServerTiming(WidgetResult result, string metric)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{metric};desc=\"{result.Outcome.ToHeader()}\";dur={result.Elapsed.TotalMilliseconds:0.###}");
        if (result.ComputeTime is { } compute)
        {
            var computeMetric = metric == "cache" ? "compute" : metric + "_compute";
            text.Append(CultureInfo.InvariantCulture, $", {computeMetric};dur={compute.TotalMilliseconds:0.###}");
        }

        return text.ToString();
    }
}

/// <summary>The dashboard of one company.</summary>
/// <param name="CompanyId">The company.</param>
/// <param name="Widgets">Every widget by name.</param>
internal sealed record Dashboard(int CompanyId, IReadOnlyDictionary<string, DashboardEntry> Widgets);

/// <summary>One widget on the dashboard.</summary>
/// <param name="Cache">HIT, MISS, STALE or BYPASS.</param>
/// <param name="Tier">The widget's tier: live, statistics or heavy.</param>
/// <param name="ComputedAt">When the value was computed.</param>
/// <param name="Data">The widget value.</param>
internal sealed record DashboardEntry(string Cache, string Tier, DateTimeOffset ComputedAt, object Data);
