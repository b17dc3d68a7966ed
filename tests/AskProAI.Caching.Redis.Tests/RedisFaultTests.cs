using System.Diagnostics;
using System.Globalization;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>A private redis-server killed and restarted mid-run, under two engine instances.</summary>
public sealed class RedisFaultTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private static void Fast(RedisCacheOptions o)
    {
        o.OperationTimeout = new RedisCacheOptions().OperationTimeout;
        o.BreakerFailureThreshold = 2;
        o.BreakerOpenDuration = TimeSpan.FromMilliseconds(500);
        o.ReconnectMaxBackoff = TimeSpan.FromMilliseconds(500);

        // No background traffic beside the tests' own calls: a heartbeat sent just before a stall and answered late would
        // count as a success between two failures, so whether the breaker opens within a stall would depend on timing.
        o.BackplaneHeartbeatInterval = TimeSpan.FromMinutes(1);
        o.BackplanePeerTimeout = TimeSpan.FromMinutes(2);

        // Leases live on heartbeats; without them, these tests see memory served as ADR 0023 serves it (a lease of its own below).
        o.BackplaneLease = TimeSpan.Zero;
    }

    [Fact]
    public async Task RedisKilledAndRestarted_ServesThroughout_FailsFast_ReconnectsAndKeepsInvalidations()
    {
        using var server = RedisServerProcess.Start();
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var a = await new RedisEngine(server.Configuration, prefix, Fast).ReadyAsync();
        await using var b = await new RedisEngine(server.Configuration, prefix, Fast).ReadyAsync();
        var counter = new Counter();
        var before = (await a.GetAsync(1, counter)).Value;
        Assert.Equal(before, (await b.GetAsync(1, counter)).Value);
        Assert.Equal(RedisHealthStatus.Healthy, a.Health.Status);

        server.Kill();

        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => a.Health is { Status: RedisHealthStatus.Degraded, LastError: not null }, Bound),
            "A's health did not turn Degraded with an error");

        // Reads keep succeeding, computed directly, and fast: no request waits for a Redis timeout.
        var watch = Stopwatch.StartNew();
        for (var company = 100; company < 120; company++)
        {
            var read = await a.GetAsync(company, counter);
            Assert.Equal(CacheOutcome.Miss, read.Outcome);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"20 cold reads took {watch.Elapsed.TotalMilliseconds:F0} ms with Redis down");
        Assert.NotEqual(RedisCircuitState.Closed, a.Health.Circuit);
        watch.Restart();
        await Assert.ThrowsAnyAsync<Exception>(async () => await a.Store.GetAsync("widget:dashboard_stats:1:2025-08-06-18", 1, default));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(200), $"a store call took {watch.Elapsed.TotalMilliseconds:F0} ms with the breaker open");

        // Data changes while Redis is away: A invalidates; it cannot reach L2 nor B now.
        await a.Cache.InvalidateAsync(CacheTag.Company(1));
        var duringOutage = await a.GetAsync(1, counter);
        Assert.NotEqual(before, duringOutage.Value);

        server.Restart();

        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(
                () => a.Health.Status == RedisHealthStatus.Healthy && b.Health.Status == RedisHealthStatus.Healthy, Bound),
            $"not healthy again: A {a.Health.Status}/{a.Health.Circuit}, B {b.Health.Status}/{b.Health.Circuit}");

        // The restart emptied Redis, so a stamp for company_data:1 can only be A's redelivered invalidation.
        var stampKey = prefix + "{c:1}:tag:company_data:1";
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => StampOf(server.Port, stampKey) > 0, Bound),
            "A's invalidation made while Redis was down was not redelivered");

        var fromB = await b.GetAsync(1, counter);
        Assert.NotEqual(before, fromB.Value);

        // The backplane works again in both directions after the reconnect.
        await b.GetAsync(3, counter);
        Assert.True(b.Cache.IsCached(b.Heavy, 3));
        await a.Cache.InvalidateAsync(CacheTag.CompanyWidget("dashboard_stats", 3));
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, 3), Bound), "B did not hear A after the reconnect");
    }

    [Fact]
    public async Task WithLeases_RedisKilled_ReadsStillSucceed_NotFromMemory_AndMemoryIsServedAgainOnceRedisIsBack()
    {
        using var server = RedisServerProcess.Start();
        static void Leased(RedisCacheOptions o)
        {
            Fast(o);
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(200);
            o.BackplaneLease = TimeSpan.FromMilliseconds(600);
        }

        await using var a = await new RedisEngine(server.Configuration, RedisTestEnvironment.UniquePrefix(), Leased).ReadyAsync();
        var counter = new Counter();
        await a.GetAsync(1, counter);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => a.Cache.IsCached(a.Heavy, 1), Bound), "memory not served with Redis up");

        server.Kill();
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => a.Health is { Status: RedisHealthStatus.Degraded, LastError: not null }, Bound),
            "A's health did not turn Degraded with an error");

        // Cut off from Redis, A cannot know what the other instances write: its lease runs out (and each failed reconnect
        // drops its memory, as without leases), so a read is computed, and it still succeeds without waiting for Redis.
        await a.GetAsync(1, counter);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !a.Cache.IsCached(a.Heavy, 1), Bound), "A serves memory it cannot vouch for");
        var computed = counter.Count;
        var read = await a.GetAsync(1, counter);
        Assert.Equal((CacheOutcome.Miss, computed + 1), (read.Outcome, read.Value));

        server.Restart();
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => a.Health.Status == RedisHealthStatus.Healthy, Bound), $"still {a.Health.Circuit}");
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(async () => await a.GetAsync(1, counter) is { Outcome: CacheOutcome.Hit, FromL2: false }, Bound),
            "memory not served again once Redis was back");
    }

    [Fact]
    public async Task RedisDown_AtStartup_ReadsSucceed_AndItConnectsWhenRedisComes()
    {
        using var server = RedisServerProcess.Start();
        server.Kill();
        await using var a = new RedisEngine(server.Configuration, RedisTestEnvironment.UniquePrefix(), Fast);
        var counter = new Counter();

        var read = await a.GetAsync(1, counter);
        Assert.Equal(1, read.Value);
        Assert.Equal(RedisHealthStatus.Degraded, a.Health.Status);

        server.Restart();
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => a.Health.Status == RedisHealthStatus.Healthy, Bound), $"still {a.Health.Circuit}");
        await a.Backplane.WhenSubscribed.WaitAsync(Bound);
        await a.GetAsync(2, counter);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => RedisTestEnvironment.Command(server.Port, "DBSIZE") != ":0\r\n", Bound));
    }

    [Fact]
    public async Task BreakerOpenedByAStall_InstanceMakesNoCallsAfterwards_HealthyAgainOnceRedisAnswers()
    {
        using var server = RedisServerProcess.Start();
        await using var a = await new RedisEngine(server.Configuration, RedisTestEnvironment.UniquePrefix(), Fast).ReadyAsync();
        var counter = new Counter();
        await a.GetAsync(1, counter);
        Assert.Equal(RedisHealthStatus.Healthy, a.Health.Status);

        // Redis stalls with the connection up (no ConnectionFailed, so no ConnectionRestored later): calls time out.
        Assert.StartsWith("+OK", RedisTestEnvironment.Command(server.Port, "CLIENT", "PAUSE", "2000", "ALL"), StringComparison.Ordinal);
        for (var company = 2; a.Health.Circuit == RedisCircuitState.Closed && company < 20; company++)
        {
            await a.GetAsync(company, counter);
        }

        Assert.Equal(RedisHealthStatus.Degraded, a.Health.Status);

        // The pause ends by itself; from now on everything this instance serves is in L1, so it makes no call to Redis.
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => a.Health.Status == RedisHealthStatus.Healthy, Bound),
            $"still {a.Health.Status}, circuit {a.Health.Circuit}, with Redis answering again ({a.Health.LastError})");
    }

    [Fact]
    public async Task LockLeftBehindByAStall_ReadOnAnotherInstance_ComputesFromTheSource_NeverTimesOut()
    {
        using var server = RedisServerProcess.Start();
        var prefix = RedisTestEnvironment.UniquePrefix();

        // A is caught by the stall while it computes; its breaker stays open past the test, so its lock release is refused
        // and the lock stays in Redis for its lease (30 s), as in a failover (ADR 0020). No timeouts on A: the test holds its
        // computation. B has a hard timeout shorter than the lock wait, as the live and statistics tiers' 5 s against a 5 s
        // lock wait plus Redis timeouts.
        await using var a = await new RedisEngine(
            server.Configuration, prefix, o => { Fast(o); o.BreakerOpenDuration = TimeSpan.FromMinutes(1); }, static o => o.Heavy.HardTimeout = o.Heavy.SoftTimeout = TimeSpan.Zero).ReadyAsync();
        await using var b = await new RedisEngine(server.Configuration, prefix, Fast, static o =>
        {
            o.Heavy.SoftTimeout = TimeSpan.Zero;
            o.Heavy.HardTimeout = TimeSpan.FromSeconds(1);
            o.DistributedLockWait = TimeSpan.FromSeconds(2);
        }).ReadyAsync();
        var counter = new Counter();
        var gate = new TaskCompletionSource();
        var computing = a.Heavy.GetOrComputeAsync(1, (counter, gate), static async (s, _, _) =>
        {
            await s.gate.Task;
            return s.counter.Next();
        }).AsTask();
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => LockCount(server.Port, prefix + "{c:1}:lock:*") == 1, Bound), "A never took the lock");

        // Redis stalls while A computes: A's calls time out and its breaker opens; then A's computation ends.
        Assert.StartsWith("+OK", RedisTestEnvironment.Command(server.Port, "CLIENT", "PAUSE", "1000", "ALL"), StringComparison.Ordinal);
        for (var company = 2; a.Health.Circuit != RedisCircuitState.Open && company < 20; company++)
        {
            await a.GetAsync(company, counter);
        }

        Assert.Equal(RedisCircuitState.Open, a.Health.Circuit);
        gate.SetResult();
        var fromA = (await computing.WaitAsync(Bound)).Value;
        Assert.True(RedisTestEnvironment.Ping(server.Port), "Redis did not answer after the pause");
        Assert.Equal(1, LockCount(server.Port, prefix + "{c:1}:lock:*")); // A's release was refused: its lock outlives the stall

        // B reads company 1: the lock never frees and A's value never reached L2, so B waits the lock wait out and computes.
        var read = await b.GetAsync(1, counter).AsTask().WaitAsync(Bound);

        Assert.Equal(CacheOutcome.Miss, read.Outcome);
        Assert.True(read.Value > fromA, $"B answered {read.Value}, not a value of its own computation (A computed {fromA})");
        Assert.Equal(read.Value, (await b.GetAsync(1, counter)).Value);

        // A lock merely held until the wait ran out (A's lock of company 2, taken by a call that timed out in the stall) is
        // no failure of the cache layer: the computation after it keeps its hard timeout, counted from its start.
        Assert.Equal(1, LockCount(server.Port, prefix + "{c:2}:lock:*"));
        await Assert.ThrowsAsync<WidgetTimeoutException>(() => b.GetAsync(2, counter, TimeSpan.FromSeconds(3)).AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task RedisDown_ComputationSlowerThanTheHardTimeout_AnswersTheValue()
    {
        using var server = RedisServerProcess.Start();
        await using var a = await new RedisEngine(server.Configuration, RedisTestEnvironment.UniquePrefix(), Fast, static o =>
        {
            o.Heavy.SoftTimeout = TimeSpan.Zero;
            o.Heavy.HardTimeout = TimeSpan.FromSeconds(1);
        }).ReadyAsync();
        var counter = new Counter();
        server.Kill();
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => a.Health.Circuit != RedisCircuitState.Closed, Bound), "the breaker did not open");

        // The database is slow (every instance recomputes what it dropped, with no L2): 1.5 s against a 1 s hard timeout.
        // A computation the cache layer could not serve is a fallback, computed directly: its caller gets the value (ADR 0020).
        var read = await a.GetAsync(1, counter, TimeSpan.FromMilliseconds(1500)).AsTask().WaitAsync(Bound);

        Assert.Equal((CacheOutcome.Miss, 1), (read.Outcome, read.Value));
    }

    private static int LockCount(int port, string pattern) =>
        RedisTestEnvironment.Command(port, "KEYS", pattern) is var reply && reply.StartsWith('*')
            ? int.Parse(reply.AsSpan(1, reply.IndexOf("\r\n", StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture)
            : -1;

    private static long StampOf(int port, string key)
    {
        var reply = RedisTestEnvironment.Command(port, "GET", key);
        var lines = reply.Split("\r\n");
        return lines.Length >= 2 && reply.StartsWith('$') && long.TryParse(lines[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
    }
}
