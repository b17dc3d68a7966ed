using AskProAI.Caching.Redis.Internal;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>Two engine instances (two service providers, two multiplexers) sharing one Redis.</summary>
public sealed class RedisEngineIntegrationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ValueComputedOnA_IsReadFromL2OnB_WithoutComputing()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();

        Assert.Equal(1, (await a.GetAsync(1, counter)).Value);
        var fromB = await b.GetAsync(1, counter);

        Assert.Equal(1, fromB.Value);
        Assert.Equal(1, counter.Count);
        Assert.True(b.Cache.IsCached(b.Heavy, 1));
    }

    [Fact]
    public async Task InvalidationOnA_DropsBsL1Entry_AndBRecomputes()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        await b.GetAsync(1, counter);
        await b.GetAsync(2, counter);
        Assert.True(b.Cache.IsCached(b.Heavy, 1));

        await a.Cache.InvalidateAsync(CacheTag.Company(1));

        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, 1), Bound), "B still holds company 1");
        Assert.True(b.Cache.IsCached(b.Heavy, 2), "an invalidation of company 1 dropped company 2");
        var again = await b.GetAsync(1, counter);
        Assert.Equal(CacheOutcome.Miss, again.Outcome);
        Assert.Equal(3, again.Value); // computed anew: A's value in L2 is older than the invalidation
    }

    [Fact]
    public async Task InvalidationOnA_IsAnnouncedOnB_AfterBDroppedTheEntry_AndNotOnA()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await b.GetAsync(1, counter);
        var heardOnB = new TaskCompletionSource<(CacheTag Tag, bool StillCached)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardOnA = 0;
        b.Cache.RemoteInvalidationApplied += tag => heardOnB.TrySetResult((tag, b.Cache.IsCached(b.Heavy, 1)));
        a.Cache.RemoteInvalidationApplied += _ => Interlocked.Increment(ref heardOnA);

        await a.Cache.InvalidateAsync(CacheTag.CompanyWidget("dashboard_stats", 1));

        var (tag, stillCached) = await heardOnB.Task.WaitAsync(Bound);
        Assert.Equal(CacheTag.CompanyWidget("dashboard_stats", 1), tag);
        Assert.False(stillCached, "B announced the invalidation before dropping its entry");
        Assert.Equal(0, Volatile.Read(ref heardOnA));
    }

    [Fact]
    public async Task InvalidateOnA_ReturnsOnlyOnceBDroppedItsCopy_SoTheNextReadOnBSeesTheWrite()
    {
        // B's held announcement blocks a pool thread; both "instances" share this process's pool.
        Internal.RedisCacheBackplaneTests.EnoughPoolThreads();
        await using var pair = await RedisEngine.PairAsync(o => o.BackplaneAcknowledgementWait = TimeSpan.FromSeconds(20));
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        Assert.Equal(1, (await b.GetAsync(1, counter)).Value);
        using var gate = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Cache.RemoteInvalidationsApplied += _ =>
        {
            entered.TrySetResult();
            gate.Wait(TimeSpan.FromSeconds(30));
        };

        var invalidate = a.Cache.InvalidateAsync([CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.Company(1)]).AsTask();

        // B heard the write and is still handling it (its live push, here held): A's write is not acknowledged yet.
        await entered.Task.WaitAsync(Bound);
        Assert.NotSame(invalidate, await Task.WhenAny(invalidate, Task.Delay(TimeSpan.FromMilliseconds(300))));
        gate.Set();
        await invalidate.WaitAsync(Bound);

        // No waiting here: once A's write returned, B no longer has the old value.
        Assert.False(b.Cache.IsCached(b.Heavy, 1));
        var read = await b.GetAsync(1, counter);
        Assert.Equal((CacheOutcome.Miss, 2), (read.Outcome, read.Value));
    }

    [Fact]
    public async Task AnInstanceWhoseMessageHandlingStalls_ServesNotItsOldCopy_OnceTheWriteOnAReturned()
    {
        // B's held message blocks a pool thread; both "instances" share this process's pool.
        Internal.RedisCacheBackplaneTests.EnoughPoolThreads();
        var lease = TimeSpan.FromMilliseconds(600);
        await using var pair = await RedisEngine.PairAsync(o =>
        {
            o.BackplaneAcknowledgementWait = TimeSpan.FromMilliseconds(200);
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(100);
            o.BackplaneLease = lease;
        });
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        Assert.Equal(1, (await b.GetAsync(1, counter)).Value);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => b.Cache.IsCached(b.Heavy, 1), Bound), "B does not serve its copy from memory");

        // B stalls (a GC pause, a starved pool) as it takes A's message in hand, before it drops anything.
        using var stall = new BackplaneStall(b);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await a.Cache.InvalidateAsync([CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.Company(1)]).AsTask().WaitAsync(Bound);
        var waited = watch.Elapsed;
        await stall.Entered.WaitAsync(Bound);

        // B still holds its old copy and has not applied the write, yet it no longer serves that copy: its lease ran out.
        Assert.False(b.Cache.IsCached(b.Heavy, 1), "B would serve the value from before the acknowledged write");
        var read = await b.GetAsync(1, counter);
        Assert.Equal(2, read.Value);
        Assert.True(waited < RedisCacheBackplane.Outlasting(lease) + TimeSpan.FromSeconds(2), $"A waited {waited} for a lease of {lease}");
    }

    [Fact]
    public async Task AHealthyInstance_KeepsServingFromMemory_ItsHeartbeatsRenewingItsLease()
    {
        var lease = TimeSpan.FromSeconds(1.5);
        await using var pair = await RedisEngine.PairAsync(o =>
        {
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(250);
            o.BackplaneLease = lease;
        });
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        await b.GetAsync(1, counter);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => b.Cache.IsCached(b.Heavy, 1), Bound));

        // Over several leases, every read is answered from B's memory: never from L2, never computed again.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var notFromMemory = new List<string>();
        await RedisTestEnvironment.EventuallyAsync(
            async () =>
            {
                var read = await b.GetAsync(1, counter);
                if (read is not { Outcome: CacheOutcome.Hit, FromL2: false, Value: 1 })
                {
                    notFromMemory.Add($"{watch.Elapsed}: {read.Outcome} {read.Value} fromL2={read.FromL2}");
                }

                return watch.Elapsed > 3 * lease;
            },
            4 * lease);
        Assert.Empty(notFromMemory);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task ValueComputedOnABeforeAnnouncing_IsAnL2HitForBWhenBHearsTheInvalidation()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        Assert.Equal(1, (await b.GetAsync(1, counter)).Value);
        var readOnB = new TaskCompletionSource<CacheResult<int>>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.Cache.RemoteInvalidationsApplied += tags => _ = Task.Run(async () => readOnB.TrySetResult(await b.GetAsync(1, counter)));
        var computedBeforeAnnouncing = 0;

        // As a dashboard's live push does (ADR 0026): B reads the widget the moment it hears of the write.
        await a.Cache.InvalidateAsync(
            [CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.CompanyWidget("recent_calls", 1)],
            async _ => computedBeforeAnnouncing = (await a.GetAsync(1, counter)).Value);

        var read = await readOnB.Task.WaitAsync(Bound);
        Assert.Equal(2, computedBeforeAnnouncing);
        Assert.Equal((CacheOutcome.Hit, 2, true), (read.Outcome, read.Value, read.FromL2));
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task UncoordinatedRefresh_DoesNotWaitForTheLockAnotherInstanceHolds_AndWritesL2()
    {
        // A coordinated computation would wait for B's lock far longer than the test's bound.
        await using var pair = await RedisEngine.PairAsync(engine: o => o.DistributedLockWait = TimeSpan.FromMinutes(2));
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var computing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // B computes company 1 and holds the distributed lock until released.
        var held = b.Heavy.GetOrComputeAsync(1, counter, async (c, _, ct) =>
        {
            computing.TrySetResult();
            await release.Task.WaitAsync(ct);
            return c.Next();
        }).AsTask();
        await computing.Task.WaitAsync(Bound);

        var refresh = a.Cache.RefreshAsync(a.Heavy, 1, counter, static (c, _, _) => new ValueTask<int>(c.Next()), coordinate: false).AsTask();

        // A's refresh is done while B still holds the lock: it neither waited for it nor read L2 first.
        Assert.Same(refresh, await Task.WhenAny(refresh, held, Task.Delay(Bound)));
        Assert.Equal(1, (await refresh).Value);

        // A third instance (B's own read would join B's held computation) finds A's value in L2.
        await using var c3 = await new RedisEngine(RedisTestEnvironment.Configuration, pair.Prefix).ReadyAsync();
        var third = await c3.GetAsync(1, counter);
        Assert.Equal((CacheOutcome.Hit, 1, true), (third.Outcome, third.Value, third.FromL2));
        release.SetResult();
        await held.WaitAsync(Bound);
    }

    [Fact]
    public async Task WorkBeforeAnnouncingFails_TheInvalidationStillReachesB()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        await b.GetAsync(1, counter);

        var result = await a.Cache.InvalidateAsync(
            [CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.CompanyWidget("recent_calls", 1)],
            _ => throw new InvalidOperationException("the database is away"));

        Assert.Equal(2, result.Tags.Count);
        Assert.False(b.Cache.IsCached(b.Heavy, 1));
        var again = await b.GetAsync(1, counter);
        Assert.Equal((CacheOutcome.Miss, 2), (again.Outcome, again.Value));
    }

    [Fact]
    public async Task SeveralTagsInvalidatedTogetherOnA_AreOneMessageOnB_AnnouncedOnceAfterEveryEntryWasDropped()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter);
        await b.GetAsync(1, counter);
        Assert.Equal(1, counter.Count); // B took A's value from L2
        var messages = new System.Collections.Concurrent.ConcurrentQueue<(string[] Tags, bool StillCached)>();
        var perTag = 0;
        b.Cache.RemoteInvalidationsApplied += tags => messages.Enqueue(([.. tags.Select(t => t.ToString())], b.Cache.IsCached(b.Heavy, 1)));
        b.Cache.RemoteInvalidationApplied += _ => Interlocked.Increment(ref perTag);
        CacheTag[] tags = [CacheTag.CompanyWidget("live_calls", 1), CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.CompanyWidget("recent_calls", 1)];

        var result = await a.Cache.InvalidateAsync(tags);

        Assert.Equal(tags.Select(t => t.ToString()), result.Tags);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref perTag) == 3, Bound));
        var (heard, stillCached) = Assert.Single(messages);
        Assert.Equal(tags.Select(t => t.ToString()), heard);
        Assert.False(stillCached, "B announced the invalidation before dropping its entry");

        // The stamps reached L2 with the message: B computes anew instead of taking A's older value from L2.
        var again = await b.GetAsync(1, counter);
        Assert.Equal(CacheOutcome.Miss, again.Outcome);
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task AfterAnInvalidation_TheNextComputationDoesNotWaitForTheLockOfTheInvalidatedOne_AndStillRunsOnce()
    {
        // A release grace longer than the engine's lock wait (10 s against 5 s): on the old lock key (one per entry key) the
        // computation after the invalidation waited for it, every time a write followed a computation within the grace.
        await using var pair = await RedisEngine.PairAsync(o => o.LockReleaseGrace = TimeSpan.FromSeconds(10));
        var (a, b) = (pair.A, pair.B);
        var counter = new Counter();
        await a.GetAsync(1, counter); // computed under the lock, released with the grace
        await b.GetAsync(1, counter); // B's copy from L2
        await a.Cache.InvalidateAsync(CacheTag.CompanyWidget("dashboard_stats", 1));
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !b.Cache.IsCached(b.Heavy, 1), Bound));

        // Both instances read at once, the computation takes a while: one computes, the other takes its value from L2.
        var onA = a.GetAsync(1, counter, TimeSpan.FromMilliseconds(300)).AsTask();
        var onB = b.GetAsync(1, counter, TimeSpan.FromMilliseconds(300)).AsTask();
        var both = await Task.WhenAll(onA, onB).WaitAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(2, counter.Count);
        Assert.All(both, r => Assert.Equal(2, r.Value));
    }

    [Fact]
    public async Task ConcurrentColdReads_OnAAndB_ComputeOnce()
    {
        await using var pair = await RedisEngine.PairAsync();
        var (a, b) = (pair.A, pair.B);
        var counters = Enumerable.Range(0, 5).Select(_ => new Counter()).ToArray();
        var delay = TimeSpan.FromMilliseconds(500);

        // Four callers per instance per company, five cold companies at once.
        var reads = await Task.WhenAll(
            from company in Enumerable.Range(0, 5)
            from i in Enumerable.Range(0, 8)
            select (i % 2 == 0 ? a : b).GetAsync(42 + company, counters[company], delay).AsTask());

        // Without the distributed lock each instance computes each company once: 10 computations.
        Assert.All(counters, c => Assert.Equal(1, c.Count));
        Assert.All(reads, r => Assert.Equal(1, r.Value));
    }

    [Fact]
    public async Task L1Hits_MakeNoRedisRoundTrip()
    {
        // A private server, so that total_commands_processed counts this test's commands only.
        using var server = RedisServerProcess.Start();
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var a = await new RedisEngine(server.Configuration, prefix).ReadyAsync();
        var counter = new Counter();
        await a.GetAsync(1, counter);

        // The computation's lock is released (a script) after its callers got the value: wait for it first.
        Assert.True(await RedisTestEnvironment.EventuallyAsync(
            () => RedisTestEnvironment.Command(server.Port, "KEYS", prefix + "*lock*") == "*0\r\n", TimeSpan.FromSeconds(5)));

        var stats = RedisTestEnvironment.Command(server.Port, "CONFIG", "RESETSTAT");
        Assert.StartsWith("+OK", stats, StringComparison.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            Assert.Equal(CacheOutcome.Hit, (await a.GetAsync(1, counter)).Outcome);
        }

        var commandStats = RedisTestEnvironment.Command(server.Port, "INFO", "commandstats");

        // A hit that touched Redis would show as GET (entry), MGET (stamps), SET or EVALSHA calls since the reset.
        Assert.DoesNotContain("cmdstat_get:", commandStats, StringComparison.Ordinal);
        Assert.DoesNotContain("cmdstat_mget:", commandStats, StringComparison.Ordinal);
        Assert.DoesNotContain("cmdstat_set:", commandStats, StringComparison.Ordinal);
        Assert.DoesNotContain("cmdstat_evalsha:", commandStats, StringComparison.Ordinal);
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task L2Read_OfAnEntryAndItsStamps_IsOneGetAndTwoMgets()
    {
        using var server = RedisServerProcess.Start();
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var a = await new RedisEngine(server.Configuration, prefix).ReadyAsync();
        await using var b = await new RedisEngine(server.Configuration, prefix).ReadyAsync();
        var counter = new Counter();
        await a.GetAsync(5, counter);

        var stats = RedisTestEnvironment.Command(server.Port, "CONFIG", "RESETSTAT");
        Assert.StartsWith("+OK", stats, StringComparison.Ordinal);
        var read = await b.Store.GetWithTagStampsAsync(
            WidgetKey.Create("dashboard_stats", WidgetTier.Heavy, 5, DateTimeOffset.UtcNow).ToString(),
            5,
            [.. CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 5).Select(t => t.ToString())],
            default);
        var commandStats = RedisTestEnvironment.Command(server.Port, "INFO", "commandstats");

        // The entry's GET and the stamps' MGETs (company and global slot), sent as one batch.
        Assert.NotNull(read.Entry);
        Assert.Equal(CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 5).Length, read.Stamps.Length);
        Assert.Contains("cmdstat_get:calls=1,", commandStats, StringComparison.Ordinal);
        Assert.Contains("cmdstat_mget:calls=2,", commandStats, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTagStamps_ForAnEntry_IsTwoMgetsInOneBatch()
    {
        using var server = RedisServerProcess.Start();
        await using var a = new RedisEngine(server.Configuration, RedisTestEnvironment.UniquePrefix());
        string[] tags = [.. CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 5).Select(t => t.ToString())];
        await a.Store.GetTagStampsAsync(tags, default); // connects

        var stats = RedisTestEnvironment.Command(server.Port, "CONFIG", "RESETSTAT");
        Assert.StartsWith("+OK", stats, StringComparison.Ordinal);
        await a.Store.GetTagStampsAsync(tags, default);
        var commandStats = RedisTestEnvironment.Command(server.Port, "INFO", "commandstats");

        Assert.Contains("cmdstat_mget:calls=2,", commandStats, StringComparison.Ordinal);
        Assert.DoesNotContain("cmdstat_get:", commandStats, StringComparison.Ordinal);
    }
}
