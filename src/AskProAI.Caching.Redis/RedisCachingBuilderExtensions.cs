using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis;

/// <summary>Puts the widget cache on Redis: L2 store, backplane and distributed lock over one shared connection.</summary>
public static class RedisCachingBuilderExtensions
{
    /// <summary>
    /// Uses Redis as the L2 store, the invalidation backplane and the distributed computation lock, over one
    /// <c>ConnectionMultiplexer</c> per service provider, and registers <see cref="IRedisCacheHealth"/>.
    /// </summary>
    /// <param name="builder">The cache builder from <c>AddAskProCaching</c>.</param>
    /// <param name="configure">Sets at least <see cref="RedisCacheOptions.Configuration"/>.</param>
    public static AskProCachingBuilder UseRedis(this AskProCachingBuilder builder, Action<RedisCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<RedisCacheOptions>()
            .Configure(configure)
            .Validate(
                o => o.BackplanePeerTimeout > o.BackplaneHeartbeatInterval,
                "The BackplanePeerTimeout must be longer than the BackplaneHeartbeatInterval (an instance would be forgotten between two of its announcements).")
            .Validate(
                o => o.BackplaneLease == TimeSpan.Zero || o.BackplaneLease >= 2 * o.BackplaneHeartbeatInterval,
                "The BackplaneLease must be zero (off) or at least twice the BackplaneHeartbeatInterval (one late heartbeat would let the lease run out).")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisCacheOptions>, RedisCacheOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<RedisMetrics>();
        services.TryAddSingleton<RedisConnection>();
        services.TryAddSingleton<IRedisCacheHealth>(sp => sp.GetRequiredService<RedisConnection>());
        builder.UseStore<RedisWidgetCacheStore>();

        // The engine takes the last registration of each, so these replace anything registered before.
        services.TryAddSingleton<RedisCacheBackplane>();
        services.AddSingleton<ICacheBackplane>(sp => sp.GetRequiredService<RedisCacheBackplane>());
        services.TryAddSingleton<RedisWidgetLock>();
        services.AddSingleton<IDistributedWidgetLock>(sp => sp.GetRequiredService<RedisWidgetLock>());
        return builder;
    }

    /// <summary>
    /// Uses Redis as in <see cref="UseRedis(AskProCachingBuilder, Action{RedisCacheOptions})"/>, over the application's
    /// multiplexer instead of one of its own, so that the cache, the Data Protection key ring and anything else share
    /// one connection. The cache hooks its connection events for its breaker and backplane and never disposes it; build
    /// it from <see cref="RedisCacheOptions.CreateConfigurationOptions"/> so it fails fast and reconnects in the background.
    /// </summary>
    /// <param name="builder">The cache builder from <c>AddAskProCaching</c>.</param>
    /// <param name="configure">Sets the options; <see cref="RedisCacheOptions.Configuration"/> is still required (it names the endpoints in logs).</param>
    /// <param name="connection">Returns the application's multiplexer; called once, on the cache's first use of Redis.</param>
    public static AskProCachingBuilder UseRedis(
        this AskProCachingBuilder builder,
        Action<RedisCacheOptions> configure,
        Func<IServiceProvider, IConnectionMultiplexer> connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        UseRedis(builder, configure);
        builder.Services.AddSingleton(sp => new ApplicationMultiplexer(() => connection(sp)));
        return builder;
    }
}
