using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>One service instance: its own service provider and multiplexer, the engine on Redis, real time.</summary>
internal sealed class RedisEngine : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public RedisEngine(string configuration, string prefix, Action<RedisCacheOptions>? configure = null, Action<WidgetCacheOptions>? engine = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddAskProCaching(engine)
            .AddWidget("dashboard_stats", WidgetTier.Heavy)
            .AddWidget("recent_calls", WidgetTier.Statistics)
            .UseRedis(o =>
            {
                o.Configuration = configuration;
                o.Prefix = prefix;
                o.OperationTimeout = TimeSpan.FromSeconds(2); // behaviour tests on a loaded machine; RedisFaultTests use the default
                configure?.Invoke(o);
            });
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<IWidgetCache>();
        Health = _provider.GetRequiredService<IRedisCacheHealth>();
        Store = _provider.GetRequiredService<IWidgetCacheStore>();
    }

    public IWidgetCache Cache { get; }

    public IRedisCacheHealth Health { get; }

    public IWidgetCacheStore Store { get; }

    public WidgetHandle Heavy => Cache.TryGetWidget("dashboard_stats", out var w) ? w : throw new InvalidOperationException();

    internal RedisCacheBackplane Backplane => (RedisCacheBackplane)_provider.GetRequiredService<ICacheBackplane>();

    internal RedisConnection Connection => _provider.GetRequiredService<RedisConnection>();

    internal RedisMetrics Metrics => _provider.GetRequiredService<RedisMetrics>();

    /// <summary>Waits until the backplane subscription is confirmed, so no message of the test is published before it.</summary>
    public async Task<RedisEngine> ReadyAsync()
    {
        await Backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        return this;
    }

    public ValueTask<CacheResult<int>> GetAsync(int companyId, Counter counter, TimeSpan delay = default) =>
        Heavy.GetOrComputeAsync(companyId, (counter, delay), static async (s, _, ct) =>
        {
            if (s.delay > TimeSpan.Zero)
            {
                await Task.Delay(s.delay, ct);
            }

            return s.counter.Next();
        });

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    /// <summary>Two instances on the test Redis with one fresh key prefix, both subscribed.</summary>
    public static async Task<Pair> PairAsync(Action<RedisCacheOptions>? configure = null, Action<WidgetCacheOptions>? engine = null)
    {
        var (configuration, prefix) = (RedisTestEnvironment.Configuration, RedisTestEnvironment.UniquePrefix());
        var a = await new RedisEngine(configuration, prefix, configure, engine).ReadyAsync();
        var b = await new RedisEngine(configuration, prefix, configure, engine).ReadyAsync();

        // Each waits for the other's acknowledgements only once it heard the other's heartbeat.
        await Internal.RedisCacheBackplaneTests.KnowEachOtherAsync((a.Backplane, a.Connection), (b.Backplane, b.Connection));
        return new Pair(a, b) { Prefix = prefix };
    }

    /// <summary>Two instances ("hosts") sharing Redis.</summary>
    public sealed record Pair(RedisEngine A, RedisEngine B) : IAsyncDisposable
    {
        /// <summary>Gets the pair's key prefix (a third instance on it sees their L2).</summary>
        public string Prefix { get; init; } = "";

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }
}

/// <summary>Counts computations and returns the count as the value, so a test sees which computation a value came from.</summary>
internal sealed class Counter
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public int Next() => Interlocked.Increment(ref _count);
}
