using System.Net;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// One circuit breaker and what it guards: a cluster master (its endpoint), or, with <see cref="EndPoint"/> null, the
/// whole connection (standalone Redis, a cluster whose slot map is not known yet, and calls no key routes to a node).
/// </summary>
internal sealed class RedisNode(string name, EndPoint? endPoint, CircuitBreaker breaker)
{
    /// <summary>Gets the node's <c>host:port</c>, or the configured endpoints for the whole connection.</summary>
    public string Name => name;

    /// <summary>Gets the cluster node's endpoint, or null for the whole connection.</summary>
    public EndPoint? EndPoint => endPoint;

    public CircuitBreaker Breaker => breaker;
}
