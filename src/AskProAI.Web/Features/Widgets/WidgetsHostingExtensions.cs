using AskProAI.Caching;

namespace AskProAI.Web.Features.Widgets;

/// <summary>Registers the dashboard widgets and the widget cache.</summary>
internal static class WidgetsHostingExtensions
{
    /// <summary>Adds the cache (options from the <c>Cache</c> section), the four widgets, their registry and their catalog.</summary>
    public static WebApplicationBuilder AddDashboardWidgets(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WidgetCacheOptions>().BindConfiguration(WidgetCacheOptions.SectionName);
        builder.Services.AddAskProCaching()
            .AddDashboardWidget<DashboardStatsWidget>()
            .AddDashboardWidget<LiveCallsWidget>()
            .AddDashboardWidget<RecentCallsWidget>()
            .AddDashboardWidget<StatsOverviewWidget>();
        builder.Services.AddSingleton<CompanyTimeZones>();
        builder.Services.AddSingleton<WidgetRegistry>();
        builder.Services.AddSingleton<WidgetCatalog>();
        builder.Services.AddSingleton<WidgetJson>();
        return builder;
    }

    private static AskProCachingBuilder AddDashboardWidget<TWidget>(this AskProCachingBuilder caching)
        where TWidget : class, IDashboardWidget, IWidgetDefinition
    {
        caching.AddWidget(TWidget.Definition.Name, TWidget.Definition.Tier);
        caching.Services.AddSingleton<IDashboardWidget, TWidget>();
        caching.Services.AddSingleton(TWidget.Definition);
        return caching;
    }
}
