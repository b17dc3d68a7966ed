using System.Globalization;
using System.Text;
using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AskProAI.Web.Features.Widgets;

/// <summary>Maps the widget API: one widget, or the whole dashboard, of one company.</summary>
internal static class WidgetEndpoints
{
    internal const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>
    /// Maps <c>GET /widgets/{name}</c> (the widget value, with <c>X-Cache</c> and <c>Server-Timing</c> headers) and
    /// <c>GET /dashboard</c> (every widget with its cache outcome) under the company group.
    /// </summary>
    public static RouteGroupBuilder MapWidgets(this RouteGroupBuilder company)
    {
        company.MapGet("/widgets/{name}", GetWidgetAsync).WithName("GetWidget");
        company.MapGet("/dashboard", GetDashboardAsync).WithName("GetDashboard");
        return company;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetWidgetAsync(
        string name, CurrentCompany company, HttpContext context, [AsParameters] WidgetServices services, CancellationToken cancellationToken)
    {
        var widgets = services.Widgets;
        if (!widgets.TryGet(name, out var widget))
        {
            return TypedResults.Problem(
                title: "Unknown widget",
                detail: $"No widget has this name. Known widgets: {string.Join(", ", widgets.Names)}.",
                statusCode: StatusCodes.Status404NotFound,
                extensions: new Dictionary<string, object?> { ["widgets"] = widgets.Names });
        }

        var result = await widget.GetAsync(company.Id, cancellationToken);
        var headers = context.Response.Headers;
        headers["X-Cache"] = result.Outcome.ToHeader();
        headers["Server-Timing"] = ServerTiming(result, "cache");

        // How old the value is, on the service's clock: the page shows "updated N s ago" without trusting the browser's clock.
        headers.Age = ((long)Math.Max(0, (services.Time.GetUtcNow() - result.ComputedAt).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        headers.CacheControl = "no-store";
        return TypedResults.Bytes(services.Json.Of(result), JsonContentType);
    }

    private static async Task<DashboardJsonResult> GetDashboardAsync(
        CurrentCompany company, HttpContext context, [AsParameters] WidgetServices services, CancellationToken cancellationToken)
    {
        // Each widget has its own DbContext, so the misses run side by side: all are started before any is awaited
        // (hits complete synchronously and allocate no task).
        var all = services.Widgets.All;
        var pending = new ValueTask<WidgetResult>[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            pending[i] = all[i].GetAsync(company.Id, cancellationToken);
        }

        var results = new WidgetResult[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            results[i] = await pending[i];
        }

        context.Response.Headers["Server-Timing"] = string.Join(", ", results.Select(r => ServerTiming(r, r.Definition.Name)));
        context.Response.Headers.CacheControl = "no-store";
        return new DashboardJsonResult(services.Json, company.Id, results);
    }

    /// <summary>
    /// <c>cache;desc="MISS";dur=12.3, compute;dur=12.1</c> (the compute part only when this request computed); a hit read
    /// from the shared L2 is <c>cache;desc="HIT";level=l2;dur=0.8</c>.
    /// </summary>
    private static string ServerTiming(WidgetResult result, string metric)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{metric};desc=\"{result.Outcome.ToHeader()}\"");
        if (result.FromL2)
        {
            text.Append(";level=l2");
        }

        text.Append(CultureInfo.InvariantCulture, $";dur={result.Elapsed.TotalMilliseconds:0.###}");
        if (result.ComputeTime is { } compute)
        {
            var computeMetric = metric == "cache" ? "compute" : metric + "_compute";
            text.Append(CultureInfo.InvariantCulture, $", {computeMetric};dur={compute.TotalMilliseconds:0.###}");
        }

        return text.ToString();
    }
}

/// <summary>What the widget handlers need besides the request: the widgets (each with its cache handle) and the JSON writer.</summary>
/// <param name="Widgets">The widgets by name.</param>
/// <param name="Json">The widget JSON writer.</param>
/// <param name="Time">The service's clock (the <c>Age</c> header).</param>
internal readonly record struct WidgetServices(WidgetRegistry Widgets, WidgetJson Json, TimeProvider Time);

/// <summary>Writes a dashboard straight into the response, each widget's data from the JSON bytes the cache keeps.</summary>
internal sealed class DashboardJsonResult(WidgetJson json, int companyId, IReadOnlyList<WidgetResult> results) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = WidgetEndpoints.JsonContentType;
        var body = httpContext.Response.BodyWriter;
        await using (var writer = new Utf8JsonWriter(body))
        {
            json.WriteDashboard(writer, companyId, results);
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }
}
