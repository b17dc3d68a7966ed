namespace AskProAI.Caching.Redis;

/// <summary>The state of the Redis connection behind the cache, for health endpoints.</summary>
public interface IRedisCacheHealth
{
    /// <summary>Gets whether Redis is usable: <see cref="RedisHealthStatus.Degraded"/> while disconnected or while a breaker is not closed.</summary>
    RedisHealthStatus Status { get; }

    /// <summary>
    /// Gets the worst state among the circuit breakers: <see cref="RedisCircuitState.Open"/> when any is open (on a cluster
    /// possibly only one master's: see <see cref="OpenCircuits"/>), else <see cref="RedisCircuitState.HalfOpen"/> when any
    /// is half-open, else <see cref="RedisCircuitState.Closed"/>.
    /// </summary>
    RedisCircuitState Circuit { get; }

    /// <summary>
    /// Gets the breakers that are not closed, by node (<c>host:port</c>; the configured endpoints for the breaker of the
    /// whole connection), with their state; empty while every breaker is closed. Standalone Redis has one breaker; a Redis
    /// Cluster one per master (a node that serves no slot any more is left out), so one master down opens only its own.
    /// </summary>
    IReadOnlyDictionary<string, RedisCircuitState> OpenCircuits { get; }

    /// <summary>Gets the last failure (exception type and message), or null when none happened.</summary>
    string? LastError { get; }

    /// <summary>Gets when the last failure happened, or null when none happened.</summary>
    DateTimeOffset? LastErrorAt { get; }
}

/// <summary>Whether the cache can use Redis.</summary>
public enum RedisHealthStatus
{
    /// <summary>Connected and the breaker is closed.</summary>
    Healthy = 0,

    /// <summary>Disconnected, connecting, or the breaker is open: the cache computes without L2, backplane and lock.</summary>
    Degraded = 1,
}

/// <summary>The state of the circuit breaker around Redis calls.</summary>
public enum RedisCircuitState
{
    /// <summary>Calls go to Redis.</summary>
    Closed = 0,

    /// <summary>Calls fail at once, without touching Redis, until the open period ends.</summary>
    Open = 1,

    /// <summary>One probe call goes to Redis; the others fail at once until it succeeds or fails.</summary>
    HalfOpen = 2,
}

/// <summary>Thrown at once, without a call to Redis, while the circuit breaker is open or Redis is not connected yet.</summary>
public sealed class RedisCacheUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RedisCacheUnavailableException()
        : this("Redis is unavailable.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RedisCacheUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public RedisCacheUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
