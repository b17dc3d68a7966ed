using AskProAI.Caching;
using AskProAI.Caching.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Web.Infrastructure.Distributed;

/// <summary>
/// Distributed mode: with <c>Cache:Redis</c> set (a StackExchange.Redis connection string, or the section
/// <c>Cache:Redis:Configuration</c> with the other <see cref="RedisCacheOptions"/>), Redis becomes the shared L2,
/// the invalidation backplane, the computation lock and the home of the Data Protection key ring, all over one
/// <see cref="IConnectionMultiplexer"/>; absent, the service runs in embedded in-process mode.
/// </summary>
internal static class DistributedCacheHostingExtensions
{
    public static WebApplicationBuilder AddDistributedCache(this WebApplicationBuilder builder)
    {
        var connection = RedisConfiguration(builder.Configuration);
        if (connection is null)
        {
            return builder;
        }

        var section = builder.Configuration.GetSection(RedisCacheOptions.SectionName);

        // One connection for the application, built with the cache's settings (fail fast, reconnect in the background).
        builder.Services.AddSingleton<IConnectionMultiplexer>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisCacheOptions>>().Value.CreateConfigurationOptions();
            options.ClientName ??= "askpro-" + Environment.MachineName;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.Services.AddAskProCaching().UseRedis(
            o =>
            {
                section.Bind(o);
                o.Configuration = connection;
            },
            sp => sp.GetRequiredService<IConnectionMultiplexer>());
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        return builder;
    }

    /// <summary>Returns the Redis connection string of distributed mode, or null in embedded mode.</summary>
    public static string? RedisConfiguration(IConfiguration configuration)
    {
        var section = configuration.GetSection(RedisCacheOptions.SectionName);
        var connection = section.Value is { Length: > 0 } value ? value : section["Configuration"];
        return string.IsNullOrWhiteSpace(connection) ? null : connection;
    }

    /// <summary>
    /// Degraded (still serving from L1 and the database) while Redis is unreachable or a breaker is open; the data
    /// carries the circuit state, the nodes whose breaker is not closed (one per master on a cluster: ADR 0027) and the
    /// last error with its time, for <c>/health</c>.
    /// </summary>
    private sealed class RedisHealthCheck(IRedisCacheHealth health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var data = new Dictionary<string, object>(StringComparer.Ordinal) { ["circuit"] = health.Circuit.ToString() };
            var open = health.OpenCircuits;
            if (open.Count > 0)
            {
                data["openCircuits"] = open.OrderBy(n => n.Key, StringComparer.Ordinal).ToDictionary(n => n.Key, n => n.Value.ToString(), StringComparer.Ordinal);
            }

            if (health.LastError is { } error)
            {
                data["lastError"] = error;
            }

            if (health.LastErrorAt is { } at)
            {
                data["lastErrorAt"] = at;
            }

            return Task.FromResult(health.Status == RedisHealthStatus.Healthy
                ? HealthCheckResult.Healthy($"Redis reachable; circuit {health.Circuit}.", data: data)
                : HealthCheckResult.Degraded(
                    open.Count > 0
                        ? $"Redis unavailable on {string.Join(", ", open.Keys.Order(StringComparer.Ordinal))} (circuit {health.Circuit}); their companies are served from memory and the database."
                        : $"Redis unavailable (circuit {health.Circuit}); serving from memory and the database.",
                    data: data));
        }
    }
}
