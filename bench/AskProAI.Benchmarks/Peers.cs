using System.ComponentModel;
using AskProAI.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace AskProAI.Benchmarks;

/// <summary>A widget value; immutable, so HybridCache may hand out the same instance on each hit.</summary>
[ImmutableObject(true)]
public sealed class WidgetValue(int calls)
{
    public int Calls { get; } = calls;
}

/// <summary>Builds each cache the way its documentation recommends.</summary>
public static class Peers
{
    public const string WidgetName = "dashboard_stats";

    public static (ServiceProvider Provider, IWidgetCache Cache, WidgetHandle Widget) AskPro(Action<WidgetCacheOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAskProCaching(configure).AddWidget(WidgetName, WidgetTier.Heavy);
        var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IWidgetCache>();
        cache.TryGetWidget(WidgetName, out var widget);
        return (provider, cache, widget!);
    }

    public static (ServiceProvider Provider, HybridCache Cache) Hybrid()
    {
        var services = new ServiceCollection();
        services.AddHybridCache();
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<HybridCache>());
    }

    public static FusionCache Fusion() => new(new FusionCacheOptions());

    public static MemoryCache Memory() => new(new MemoryCacheOptions());
}
