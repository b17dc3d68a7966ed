using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AskProAI.Caching;

/// <summary>Configures the widget cache: widgets and the L2 store.</summary>
public class AskProCachingBuilder(IServiceCollection services)
{
    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>
    /// Registers a widget with its tier and optional per-widget settings. Read it through the registration returned
    /// (bound to the cache once the cache is created, at host start at the latest), or inject its
    /// <see cref="WidgetHandle"/>, a keyed service keyed by the widget name (<c>[FromKeyedServices("dashboard_stats")]</c>).
    /// </summary>
    /// <returns>The widget's registration, which also carries on the builder's chain.</returns>
    /// <exception cref="ArgumentException">The name is not a valid widget name.</exception>
    public WidgetRegistration AddWidget(string name, WidgetTier tier, Action<WidgetOptions>? configure = null)
    {
        WidgetName.ThrowIfInvalid(name);
        if (!Enum.IsDefined(tier))
        {
            throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown widget tier.");
        }

        Services.Configure<WidgetCacheOptions>(o =>
        {
            var widget = o.Widgets.TryGetValue(name, out var existing) ? existing : o.Widgets[name] = new WidgetOptions();
            widget.Tier = tier;
            configure?.Invoke(widget);
        });
        var registration = new WidgetRegistration(Services, name, tier);
        Services.AddSingleton(registration);
        Services.AddKeyedSingleton<WidgetHandle>(name, (sp, _) => sp.GetRequiredService<IWidgetCache>().Register(name, tier));
        return registration;
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
