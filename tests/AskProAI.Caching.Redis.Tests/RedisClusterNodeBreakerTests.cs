using System.Diagnostics;
using System.Globalization;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// One breaker per cluster master (ADR 0027): while one master stalls and its breaker is open on an instance, that
/// instance still uses the other masters for the companies whose slots they serve (L2 hits, invalidations, lock
/// releases), and only the stalled master's companies fall back to the source, without an error. A failed connection to
/// a master that carries no backplane subscription drops only that master's companies from memory.
/// </summary>
[Collection("RedisCluster")]
public sealed class RedisClusterNodeBreakerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    // Fail fast on the stall; the breaker then stays open for the whole test (no probe closes it before the end). Not
    // faster: on the loaded test machine a healthy node's call now and then takes 300-700 ms, and a few in a row open its breaker.
    private static void StallOpensTheBreaker(RedisCacheOptions o)
    {
        o.OperationTimeout = TimeSpan.FromMilliseconds(500);
        o.BreakerFailureThreshold = 3;
        o.BreakerOpenDuration = TimeSpan.FromSeconds(30);
    }

    [Fact]
    public async Task OneMasterStalled_CompaniesOnTheOtherMasters_StillHitL2AndInvalidateOtherInstances_TheStalledOnesFallBack()
    {
        var layout = await Layout.FindAsync();
        await using var a = await new RedisEngine(layout.Configuration, layout.Prefix, StallOpensTheBreaker).ReadyAsync();
        await using var b = await new RedisEngine(layout.Configuration, layout.Prefix, StallOpensTheBreaker).ReadyAsync();
        var counter = new Counter();

        // B computes a company on a healthy master: its value is in L2 there, and in B's memory.
        var fromB = (await b.GetAsync(layout.Healthy, counter)).Value;
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => KeyCount(layout.HealthyPort, layout.Prefix + "{c:" + Id(layout.Healthy) + "}:widget:*") == 1, Bound),
            "B's value never reached L2");

        try
        {
            await layout.StallVictimAsync(a, counter);

            // A company of the stalled master falls back: computed, no error, no wait for Redis (the first read of that
            // path in the process is left out of the timing: it compiles code).
            var fallback = await a.GetAsync(layout.OnVictim[^1], counter);
            Assert.Equal(CacheOutcome.Miss, fallback.Outcome);
            var watch = Stopwatch.StartNew();
            Assert.Equal(CacheOutcome.Miss, (await a.GetAsync(layout.OnVictim[^2], counter)).Outcome);
            Assert.True(
                watch.Elapsed < TimeSpan.FromMilliseconds(250),
                $"a read of the stalled master's company took {watch.Elapsed.TotalMilliseconds:F0} ms; {a.Health.LastError}; open on A: {Open(a)}");
            Assert.Equal((RedisCircuitState.Open, RedisHealthStatus.Degraded), (a.Health.Circuit, a.Health.Status));

            // A, whose breaker of the stalled master is open, reads B's value from L2 on the healthy master.
            var read = await a.GetAsync(layout.Healthy, counter);
            Assert.True(
                read is { Outcome: CacheOutcome.Hit, FromL2: true } && read.Value == fromB,
                $"A read {read.Outcome} (L2 {read.FromL2}) value {read.Value}, not B's {fromB} from L2; open: {Open(a)}");

            // A's invalidation of that company reaches B now, not after the stalled master's breaker closes.
            Assert.True(b.Cache.IsCached(b.Heavy, layout.Healthy));
            await a.Cache.InvalidateAsync(CacheTag.Company(layout.Healthy));
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, layout.Healthy), Bound),
                $"B still holds company {layout.Healthy} after A invalidated it; open on A: {Open(a)}");

        }
        finally
        {
            await layout.UnpausedAsync();
        }
    }

    [Fact]
    public async Task OneMasterStalled_LockReleaseOnAnotherMaster_GoesThrough()
    {
        var layout = await Layout.FindAsync();
        await using var a = await new RedisEngine(
            layout.Configuration, layout.Prefix, StallOpensTheBreaker, static o => o.Heavy.HardTimeout = o.Heavy.SoftTimeout = TimeSpan.Zero).ReadyAsync();
        var counter = new Counter();
        var lockPattern = layout.Prefix + "{c:" + Id(layout.Healthy) + "}:lock:*";

        // A computes a company on a healthy master, holding the distributed lock there.
        var gate = new TaskCompletionSource();
        var computing = a.Heavy.GetOrComputeAsync(layout.Healthy, (counter, gate), static async (s, _, _) =>
        {
            await s.gate.Task;
            return s.counter.Next();
        }).AsTask();
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => KeyCount(layout.HealthyPort, lockPattern) == 1, Bound), "A never took the lock");

        try
        {
            await layout.StallVictimAsync(a, counter);

            // The computation ends while the stalled master's breaker is open: the release on the healthy master is not
            // refused (a refused release would leave the lock for its 30 s lease), and the value reaches L2.
            gate.SetResult();
            await computing.WaitAsync(Bound);
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(() => KeyCount(layout.HealthyPort, lockPattern) == 0, Bound),
                $"A's lock on the healthy master outlived its computation; open on A: {Open(a)}");
            Assert.Equal(1, KeyCount(layout.HealthyPort, layout.Prefix + "{c:" + Id(layout.Healthy) + "}:widget:*"));
        }
        finally
        {
            gate.TrySetResult();
            await layout.UnpausedAsync();
        }
    }

    [Fact]
    public async Task OneMasterStalled_InvalidationOfItsCompany_StillReachesOtherInstances()
    {
        var layout = await Layout.FindAsync();
        await using var a = await new RedisEngine(layout.Configuration, layout.Prefix, StallOpensTheBreaker).ReadyAsync();
        await using var b = await HoldingBothCompaniesAsync(layout);
        var counter = new Counter();
        try
        {
            await layout.StallVictimAsync(a, counter);

            // A's write of a company on the stalled master cannot write its stamps there (the breaker is open). The
            // message still goes out on the channel's healthy master: B drops its copy now, instead of serving it until
            // the stamps can be written again (a master failing over: the stale reads of the scaled-out soak).
            await a.Cache.InvalidateAsync(CacheTag.Company(layout.OnVictim[0]));
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, layout.OnVictim[0]), Bound),
                $"B still holds company {layout.OnVictim[0]} after A's invalidation whose stamps failed; open on A: {Open(a)}");
            Assert.True(b.Cache.IsCached(b.Heavy, layout.Healthy), "B dropped a company nobody invalidated");
        }
        finally
        {
            await layout.UnpausedAsync();
        }
    }

    /// <summary>An instance B that holds one company of a healthy master and one of the victim in memory.</summary>
    private static async Task<RedisEngine> HoldingBothCompaniesAsync(Layout layout)
    {
        var b = await new RedisEngine(layout.Configuration, layout.Prefix).ReadyAsync();
        try
        {
            var counter = new Counter();
            await b.GetAsync(layout.Healthy, counter);
            await b.GetAsync(layout.OnVictim[0], counter);
            Assert.True(b.Cache.IsCached(b.Heavy, layout.Healthy) && b.Cache.IsCached(b.Heavy, layout.OnVictim[0]), "B does not hold both companies");
            return b;
        }
        catch
        {
            await b.DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task ConnectionsToAMasterWithoutTheSubscription_Fail_OnlyItsCompaniesAreDroppedFromMemory()
    {
        var layout = await Layout.FindAsync();
        await using var b = await HoldingBothCompaniesAsync(layout);
        var failures = b.Health.LastErrorAt;

        // The victim master closes every client connection (not the subscriptions: they live on the channel's master, and
        // the cluster bus and replicas stay): B's interactive connection to it fails and reconnects, no message is missed.
        Assert.StartsWith(":", RedisTestEnvironment.Command(layout.Victim, "CLIENT", "KILL", "TYPE", "normal"), StringComparison.Ordinal);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => b.Health.LastErrorAt != failures, Bound), "B never saw its connection fail");

        // The victim's company may be stale at its writers (its stamps could not be written): dropped. The other is kept.
        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, layout.OnVictim[0]), Bound),
            "B still holds the failed master's company");
        Assert.True(b.Cache.IsCached(b.Heavy, layout.Healthy), "B dropped a company the failed master does not serve");
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => b.Health.Status == RedisHealthStatus.Healthy, Bound), Open(b));
        Assert.True(b.Cache.IsCached(b.Heavy, layout.Healthy), "B dropped a company the failed master does not serve, on its reconnect");
    }

    [Fact]
    public async Task SubscriptionConnectionFails_EveryCompanyIsDroppedFromMemory()
    {
        var layout = await Layout.FindAsync();
        await using var b = await HoldingBothCompaniesAsync(layout);

        // The channel's master closes the subscription connections: messages may have been missed, so everything goes.
        Assert.StartsWith(":", RedisTestEnvironment.Command(layout.ChannelPort, "CLIENT", "KILL", "TYPE", "pubsub"), StringComparison.Ordinal);

        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, layout.Healthy) && !b.Cache.IsCached(b.Heavy, layout.OnVictim[0]), Bound),
            "B kept memory after its subscription connection failed");
    }

    private static string Id(int company) => company.ToString(CultureInfo.InvariantCulture);

    private static string Open(RedisEngine engine) => string.Join(", ", engine.Health.OpenCircuits.Select(n => $"{n.Key} {n.Value}"));

    private static int KeyCount(int port, string pattern) =>
        RedisTestEnvironment.Command(port, "KEYS", pattern) is var reply && reply.StartsWith('*')
            ? int.Parse(reply.AsSpan(1, reply.IndexOf("\r\n", StringComparison.Ordinal) - 1), CultureInfo.InvariantCulture)
            : -1;

    /// <summary>
    /// A fresh prefix on the cluster, a victim master that holds neither the global tags' slot nor the backplane channel's
    /// (they are everyone's: their master down stops every company's L2 reads or every invalidation), companies whose
    /// slots it serves, and one company on another master.
    /// </summary>
    private sealed record Layout(string Configuration, string Prefix, int Victim, int[] OnVictim, int Healthy, int HealthyPort, int ChannelPort)
    {
        public static async Task<Layout> FindAsync()
        {
            var (configuration, prefix) = (RedisTestCluster.Configuration, RedisTestEnvironment.UniquePrefix());

            // After the failover test a rejoined node may still claim its old slots for a while; the instances would route there.
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(() => RedisTestCluster.NodesAgree(configuration), TimeSpan.FromSeconds(30)),
                "the cluster's nodes do not report the same masters and slots");
            var companies = Enumerable.Range(1, 200).ToArray();
            int?[] ports = [];
            Assert.True(
                await RedisTestEnvironment.EventuallyAsync(
                    async () => (ports = await RedisTestCluster.MasterPortsOfAsync(
                        configuration, [prefix + "{g}:tag:widgets", prefix + "backplane", .. companies.Select(c => prefix + "{c:" + Id(c) + "}:widget")])).All(p => p is not null),
                    TimeSpan.FromSeconds(30)),
                "the cluster's nodes do not agree on one master per slot");
            var (global, channel) = (ports[0]!.Value, ports[1]!.Value);
            var companyPorts = ports[2..].Select(p => p!.Value).ToArray();
            var victim = companyPorts.Distinct().First(p => p != global && p != channel);
            var onVictim = companies.Where((_, i) => companyPorts[i] == victim).Take(8).ToArray();
            var healthyIndex = Array.FindIndex(companyPorts, p => p != victim);
            return new Layout(configuration, prefix, victim, onVictim, companies[healthyIndex], companyPorts[healthyIndex], channel);
        }

        /// <summary>
        /// Stalls the victim master for 8 s (the cluster bus still answers: no failover; the client may give up its
        /// connection to it and try again) and reads its companies on <paramref name="engine"/> until its breaker there
        /// opens. The tests' checks run within the stall.
        /// </summary>
        public async Task StallVictimAsync(RedisEngine engine, Counter counter)
        {
            Assert.StartsWith("+OK", RedisTestEnvironment.Command(Victim, "CLIENT", "PAUSE", "8000", "ALL"), StringComparison.Ordinal);
            var victim = "127.0.0.1:" + Victim.ToString(CultureInfo.InvariantCulture);
            for (var i = 0; i < OnVictim.Length - 1 && !engine.Health.OpenCircuits.ContainsKey(victim); i++)
            {
                await engine.GetAsync(OnVictim[i], counter);
            }

            Assert.Equal(RedisCircuitState.Open, Assert.Contains(victim, engine.Health.OpenCircuits));
            Assert.Single(engine.Health.OpenCircuits); // only the stalled master's
        }

        /// <summary>Waits until the pause is over, so the next test finds the cluster whole.</summary>
        public Task UnpausedAsync() => RedisTestEnvironment.EventuallyAsync(() => RedisTestEnvironment.Ping(Victim), TimeSpan.FromSeconds(10));
    }
}
