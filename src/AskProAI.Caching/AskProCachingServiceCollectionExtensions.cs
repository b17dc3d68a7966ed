using AskProAI.Caching.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AskProAI.Caching;

/// <summary>Registers the widget cache.</summary>
public static class AskProCachingServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IWidgetCache"/>, <see cref="IDaySegmentCache"/>, the <c>cache</c> queue (<see cref="ICacheWorkQueue"/>, drained on
    /// shutdown), the cache meter and validated <see cref="WidgetCacheOptions"/>.
    /// </summary>
    public static AskProCachingBuilder AddAskProCaching(this IServiceCollection services, Action<WidgetCacheOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WidgetCacheOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WidgetCacheOptions>, WidgetCacheOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IWidgetCacheSerializer, JsonWidgetCacheSerializer>();
        services.TryAddSingleton<CacheMetrics>();
        services.TryAddSingleton<CacheWorkQueue>();
        services.TryAddSingleton<ICacheWorkQueue>(sp => sp.GetRequiredService<CacheWorkQueue>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CacheWorkQueue>(sp => sp.GetRequiredService<CacheWorkQueue>()));
        services.TryAddSingleton<WidgetCache>();
        services.TryAddSingleton<IWidgetCache>(sp => sp.GetRequiredService<WidgetCache>());
        services.TryAddSingleton<IDaySegmentCache, DaySegmentCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WidgetCacheActivator>());
        return new AskProCachingBuilder(services);
    }
}

internal sealed class WidgetCacheOptionsValidator : IValidateOptions<WidgetCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, WidgetCacheOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Creates the cache at host start, so the registrations <see cref="AskProCachingBuilder.AddWidget"/> gave back work from then on.</summary>
internal sealed class WidgetCacheActivator(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IWidgetCache>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
