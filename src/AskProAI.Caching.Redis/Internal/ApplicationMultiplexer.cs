using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>The application's multiplexer, when it shares one with the cache (registered by <c>UseRedis(configure, connection)</c>).</summary>
internal sealed class ApplicationMultiplexer(Func<IConnectionMultiplexer> factory)
{
    public IConnectionMultiplexer Get() => factory();
}
