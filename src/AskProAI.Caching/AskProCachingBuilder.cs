using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AskProAI.Caching;

/// <summary>Configures the widget cache: widgets and the L2 store.</summary>
public sealed class AskProCachingBuilder(IServiceCollection services)
{
    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers a widget with its tier and optional per-widget settings.</summary>
    public AskProCachingBuilder AddWidget(string name, WidgetTier tier, Action<WidgetOptions>? configure = null)
    {
        WidgetName.ThrowIfInvalid(name);
        Services.Configure<WidgetCacheOptions>(o =>
        {
            var widget = o.Widgets.TryGetValue(name, out var existing) ? existing : o.Widgets[name] = new WidgetOptions();
            widget.Tier = tier;
            configure?.Invoke(widget);
        });
        return this;
    }

    /// <summary>Uses a shared L2 store.</summary>
    public AskProCachingBuilder UseStore<TStore>()
        where TStore : class, IWidgetCacheStore
    {
        Services.TryAddSingleton<TStore>();
        Services.AddSingleton<IWidgetCacheStore>(sp => sp.GetRequiredService<TStore>());
        return this;
    }

    /// <summary>Uses a given L2 store instance.</summary>
    public AskProCachingBuilder UseStore(IWidgetCacheStore store)
    {
        Services.AddSingleton(store);
        return this;
    }
}
