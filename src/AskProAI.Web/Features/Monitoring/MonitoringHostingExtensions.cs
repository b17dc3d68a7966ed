using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace AskProAI.Web.Features.Monitoring;

/// <summary>Registers and maps metrics: OpenTelemetry with a Prometheus scrape endpoint, and database query counting.</summary>
internal static class MonitoringHostingExtensions
{
    /// <summary>The meters exported: the engine's, the Redis layer's (distributed mode), this service's, ASP.NET Core's, the runtime's and EF Core's.</summary>
    private static readonly string[] Meters = ["AskProAI.Caching", "AskProAI.Caching.Redis", DatabaseMetrics.MeterName, "Microsoft.EntityFrameworkCore"];

    /// <summary>
    /// Adds the query-counting <see cref="DbCommandInterceptor"/> (picked up by the data layer, which adds every
    /// singleton <see cref="IInterceptor"/> to its contexts) and OpenTelemetry metrics with the Prometheus exporter.
    /// </summary>
    public static WebApplicationBuilder AddMonitoring(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<MonitoringOptions>().BindConfiguration(MonitoringOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MonitoringOptions>, MonitoringOptionsValidator>();
        services.AddMetrics();
        services.AddSingleton<DatabaseMetrics>();
        services.AddSingleton<QueryCountingInterceptor>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<QueryCountingInterceptor>());
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>Maps the Prometheus scrape endpoint (<c>GET /metrics</c>, anonymous: counters only, no tenant data).</summary>
    public static IEndpointRouteBuilder MapMonitoring(this IEndpointRouteBuilder app)
    {
        var path = app.ServiceProvider.GetRequiredService<IOptions<MonitoringOptions>>().Value.MetricsPath;
        app.MapPrometheusScrapingEndpoint(path).AllowAnonymous();
        return app;
    }
}
