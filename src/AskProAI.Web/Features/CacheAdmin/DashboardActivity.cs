using System.Collections.Concurrent;
using System.Globalization;
using AskProAI.Web.Features.Tenancy;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>
/// What the widget endpoints saw: which companies' dashboards were requested lately (for the pre-hour warm) and the
/// running mean latency of cache hits per widget (for the analytics page). Both cost a dictionary read per request.
/// </summary>
internal sealed class DashboardActivity(TimeProvider time)
{
    private static readonly long TouchGranularityTicks = TimeSpan.TicksPerMinute;

    private readonly ConcurrentDictionary<int, long> _lastSeen = new();
    private readonly ConcurrentDictionary<string, HitLatency> _hitLatency = new(StringComparer.Ordinal);

    /// <summary>Records that a company's dashboard was requested now; writes at most once a minute per company.</summary>
    public void Touch(int companyId)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_lastSeen.TryGetValue(companyId, out var last) && now - last < TouchGranularityTicks)
        {
            return;
        }

        _lastSeen[companyId] = now;
    }

    /// <summary>The companies whose dashboards were requested since <paramref name="since"/>, by id.</summary>
    public IReadOnlyList<int> ActiveSince(DateTimeOffset since)
    {
        var from = since.UtcTicks;
        return [.. _lastSeen.Where(e => e.Value >= from).Select(e => e.Key).Order()];
    }

    /// <summary>Adds the latency of one cache hit of a widget, as measured at the endpoint.</summary>
    public void RecordHit(string widget, double milliseconds) =>
        _hitLatency.GetOrAdd(widget, static _ => new HitLatency()).Add(milliseconds);

    /// <summary>The mean hit latency of a widget in milliseconds, and the number of hits measured.</summary>
    public (double MeanMs, long Count) HitLatencyOf(string widget) =>
        _hitLatency.TryGetValue(widget, out var latency) ? latency.Read() : (0, 0);

    /// <summary>Observes the widget endpoints' responses: the company, and per widget the outcome and cache-call time.</summary>
    /// <remarks>
    /// Reads the <c>X-Cache</c>/<c>Server-Timing</c> headers the widget endpoints already write
    /// (<c>name;desc="HIT";dur=0.12</c>), so the widget feature needs no hook for this.
    /// </remarks>
    public void Observe(string endpointName, int companyId, string? widgetRoute, string? serverTiming)
    {
        Touch(companyId);
        if (string.IsNullOrEmpty(serverTiming))
        {
            return;
        }

        foreach (var part in serverTiming.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = part.Split(';', StringSplitOptions.TrimEntries);
            if (fields.Length != 3 || fields[1] != "desc=\"HIT\"" || !fields[2].StartsWith("dur=", StringComparison.Ordinal)
                || !double.TryParse(fields[2].AsSpan(4), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                continue;
            }

            var widget = endpointName == WidgetEndpointNames.Widget ? widgetRoute : fields[0];
            if (widget is not null)
            {
                RecordHit(widget, ms);
            }
        }
    }

    private sealed class HitLatency
    {
        private readonly Lock _gate = new();
        private double _mean;
        private long _count;

        public void Add(double value)
        {
            lock (_gate)
            {
                _count++;
                _mean += (value - _mean) / _count;
            }
        }

        public (double MeanMs, long Count) Read()
        {
            lock (_gate)
            {
                return (_mean, _count);
            }
        }
    }
}

/// <summary>The endpoint names of the widget API (see <c>WidgetEndpoints</c>).</summary>
internal static class WidgetEndpointNames
{
    /// <summary>One widget of one company.</summary>
    public const string Widget = "GetWidget";

    /// <summary>The whole dashboard of one company.</summary>
    public const string Dashboard = "GetDashboard";
}

/// <summary>Feeds <see cref="DashboardActivity"/> from successful responses of the widget endpoints.</summary>
internal sealed class DashboardActivityMiddleware(RequestDelegate next, DashboardActivity activity)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is not (WidgetEndpointNames.Widget or WidgetEndpointNames.Dashboard))
        {
            await next(context);
            return;
        }

        await next(context);
        if (context.Response.StatusCode == StatusCodes.Status200OK
            && CompanyIds.TryParse(context.Request.RouteValues["companyId"] as string, out var companyId))
        {
            activity.Observe(name, companyId, context.Request.RouteValues["name"] as string, context.Response.Headers["Server-Timing"]);
        }
    }
}
