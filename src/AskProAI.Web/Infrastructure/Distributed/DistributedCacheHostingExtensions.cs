using AskProAI.Caching;
using AskProAI.Caching.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AskProAI.Web.Infrastructure.Distributed;

/// <summary>
/// Distributed mode: with <c>Cache:Redis</c> set (a StackExchange.Redis connection string, or the section
/// <c>Cache:Redis:Configuration</c> with the other <see cref="RedisCacheOptions"/>), Redis becomes the shared L2,
/// the invalidation backplane and the computation lock; absent, the service runs in embedded in-process mode.
/// </summary>
internal static class DistributedCacheHostingExtensions
{
    public static WebApplicationBuilder AddDistributedCache(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(RedisCacheOptions.SectionName);
        var connection = section.Value is { Length: > 0 } value ? value : section["Configuration"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            return builder;
        }

        builder.Services.AddAskProCaching().UseRedis(o =>
        {
            section.Bind(o);
            o.Configuration = connection;
        });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis");
        return builder;
    }

    /// <summary>Degraded (still serving from L1 and the database) while Redis is unreachable or its breaker is open.</summary>
    private sealed class RedisHealthCheck(IRedisCacheHealth health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.Status == RedisHealthStatus.Healthy
                ? HealthCheckResult.Healthy($"Redis reachable; circuit {health.Circuit}.")
                : HealthCheckResult.Degraded($"Redis unavailable (circuit {health.Circuit}); serving from memory and the database. Last error: {health.LastError}"));
    }
}
