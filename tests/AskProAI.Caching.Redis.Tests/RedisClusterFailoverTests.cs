using System.Globalization;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// Two engine instances on the Redis Cluster of scripts/test.sh: the values, stamps and backplane work across nodes, and
/// a master killed under load (its replica takes over) fails no read, loses no invalidation and leaves no stale read.
/// </summary>
[Collection("RedisCluster")]
public sealed class RedisClusterFailoverTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task InvalidationOnA_ReachesB_OnTheCluster()
    {
        var (configuration, prefix) = (RedisTestCluster.Configuration, RedisTestEnvironment.UniquePrefix());
        await using var a = await new RedisEngine(configuration, prefix).ReadyAsync();
        await using var b = await new RedisEngine(configuration, prefix).ReadyAsync();
        var counter = new Counter();
        var first = (await a.GetAsync(1, counter)).Value;
        Assert.Equal(first, (await b.GetAsync(1, counter)).Value); // B read A's value from L2: one computation

        await a.Cache.InvalidateAsync(CacheTag.Company(1));

        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, 1), Bound), "B still holds company 1");
        Assert.True((await b.GetAsync(1, counter)).Value > first, "B served the value computed before the invalidation");
    }

    [Fact]
    public async Task MasterKilledUnderLoad_NoFailedRead_NoLostInvalidation_NoStaleReadAfterRecovery()
    {
        var (configuration, prefix) = (RedisTestCluster.Configuration, RedisTestEnvironment.UniquePrefix());
        static void FailFast(RedisCacheOptions o)
        {
            o.OperationTimeout = TimeSpan.FromSeconds(1);
            o.BreakerFailureThreshold = 2;
            o.BreakerOpenDuration = TimeSpan.FromMilliseconds(500);
            o.ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500);
        }

        // A hard timeout below the lock wait: locks left behind in the failover (releases refused while a breaker was
        // open) cost the lock wait, which must never turn into a timeout (ADR 0020).
        static void ShortTimeouts(WidgetCacheOptions o)
        {
            o.Heavy.SoftTimeout = TimeSpan.Zero;
            o.Heavy.HardTimeout = TimeSpan.FromSeconds(1);
            o.DistributedLockWait = TimeSpan.FromSeconds(2);
        }

        await using var a = await new RedisEngine(configuration, prefix, FailFast, ShortTimeouts).ReadyAsync();
        await using var b = await new RedisEngine(configuration, prefix, FailFast, ShortTimeouts).ReadyAsync();
        var counter = new Counter();
        int? master = null;
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(async () => (master = await RedisTestCluster.MasterPortOfAsync(configuration, prefix + "{c:1}:widget")) is not null, Bound),
            "the nodes never agreed on the master of company 1's slot");
        var victim = master!.Value;

        // Load: both instances read companies 1..6 (spread over the three masters) until told to stop; two more workers, one
        // per instance, read cold companies in step (so each value is computed under the distributed lock, and the other
        // instance reads it next).
        using var stop = new CancellationTokenSource();
        var failures = 0;
        var reads = 0;
        Exception? lastFailure = null;
        var load = Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var engine = worker % 2 == 0 ? a : b;
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await engine.GetAsync(worker < 2 ? 1 + ((worker + i) % 6) : 100 + (i / 2), counter);
                    Interlocked.Increment(ref reads);
                }
                catch (Exception ex)
                {
                    Interlocked.Increment(ref failures);
                    lastFailure = ex;
                }

                await Task.Delay(5);
            }
        })).ToArray();
        await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref reads) > 200, Bound);

        var started = false;
        try
        {
            RedisTestCluster.Kill(victim);

            // The invalidation is made while the master of company 1's slot is dead (Kill waited for the process to exit;
            // no replica is promoted before cluster-node-timeout): its stamp cannot be written yet.
            var atInvalidation = counter.Count;
            await a.Cache.InvalidateAsync(CacheTag.Company(1));

            // The replica takes over (cluster-node-timeout 1 s); then the dead node comes back as a replica.
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(
                    async () => await RedisTestCluster.MasterPortOfAsync(configuration, prefix + "{c:1}:widget") is { } port && port != victim, Bound),
                "no replica took over the killed master's slots");
            RedisTestCluster.Start(victim);
            started = true;
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(
                    () => a.Health.Status == RedisHealthStatus.Healthy && b.Health.Status == RedisHealthStatus.Healthy, Bound),
                $"the instances did not turn Healthy: A {a.Health.Circuit} {a.Health.LastError}; B {b.Health.Circuit} {b.Health.LastError}");

            // Not lost: the stamp of the invalidation made during the failover reached the new master.
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(async () => await StampAsync(configuration, prefix, 1) > 0, Bound),
                "the invalidation made during the failover never reached Redis");

            // No stale read after recovery: neither instance serves a value computed before the invalidation.
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(
                    async () => (await a.GetAsync(1, counter)).Value > atInvalidation && (await b.GetAsync(1, counter)).Value > atInvalidation,
                    TimeSpan.FromSeconds(5)),
                "an instance still served company 1's value from before the invalidation");
            var readsAfter = Volatile.Read(ref reads);
            Assert.True(await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref reads) > readsAfter + 50, Bound), "the load stopped");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
            if (!started)
            {
                RedisTestCluster.Start(victim); // leave the cluster whole for the other tests
            }
        }

        Assert.True(failures == 0, $"{failures} reads failed during the failover, the last with {lastFailure}");
        Assert.True(await RedisTestEnvironment.EventuallyAsync(
            () => RedisTestCluster.ClusterInfo(victim).Contains("cluster_state:ok", StringComparison.Ordinal), Bound),
            "the restarted node did not rejoin the cluster");
    }

    private static async Task<long?> StampAsync(string configuration, string prefix, int companyId)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(options);
        var tag = CacheTag.Company(companyId).ToString();
        var value = await redis.GetDatabase().StringGetAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}{{c:{companyId}}}:tag:{tag}"));
        return value.HasValue ? (long)value : null;
    }
}
