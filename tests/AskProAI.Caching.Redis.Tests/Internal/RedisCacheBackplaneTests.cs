using System.Collections.Concurrent;
using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Tests.Internal;

public sealed class RedisCacheBackplaneTests
{
    [Fact]
    public async Task Publish_OnA_ReachesB_NotA_SeveralTagsAsOneMessage()
    {
        var prefix = RedisTestEnvironment.UniquePrefix();
        var configuration = RedisTestEnvironment.Configuration;
        await using var redisA = RedisTestEnvironment.Connect(configuration, prefix);
        await using var redisB = RedisTestEnvironment.Connect(configuration, prefix);
        var (a, heardByA) = Start(redisA);
        var (b, heardByB) = Start(redisB);
        await a.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        await b.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));

        await a.PublishAsync(CacheTag.Company(5), default);
        await a.PublishAsync(CacheTag.CompanyWidget("dashboard_stats", 5), default);

        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByB.Invalidations.Count == 2, TimeSpan.FromSeconds(5)));
        Assert.Equal(["company_data:5", "widget:dashboard_stats:5"], heardByB.Invalidations.Select(t => t.ToString()).Order());

        // A publishes once more and B answers: once B's message reached A, A's own two would have too.
        await b.PublishAsync(CacheTag.All, default);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByA.Invalidations.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(CacheTag.All, Assert.Single(heardByA.Invalidations));

        // Several tags together (one write): one message, heard as one, not also tag by tag.
        CacheTag[] tags = [CacheTag.CompanyWidget("live_calls", 5), CacheTag.CompanyWidget("dashboard_stats", 5), CacheTag.Company(5)];
        await a.PublishAsync(tags, default);
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByB.Messages.Count == 1, TimeSpan.FromSeconds(5)));
        Assert.Equal(tags, Assert.Single(heardByB.Messages));
        Assert.Equal(2, heardByB.Invalidations.Count);
    }

    [Fact]
    public void Parse_LaterVersion_StandsForEverything_WithItsSequence()
    {
        // Rolling upgrades: a later release keeps the envelope {version}|{sender}|{sequence}|, whatever it adds after it.
        var message = RedisCacheBackplane.Parse("4|0123456789abcdef0123456789abcdef|17|widget:live_calls:3|{\"some\":\"value\"}", new string('0', 32))!.Value;

        Assert.Equal((BackplaneMessageKind.Invalidation, "0123456789abcdef0123456789abcdef", 17L), (message.Kind, message.Sender, message.Sequence));
        Assert.Equal([CacheTag.All], message.Tags);
        Assert.True(message.FromLaterRelease);
        Assert.Equal(0, RedisCacheBackplane.Parse("12|0123456789abcdef0123456789abcdef|0", new string('0', 32))!.Value.Sequence);
        Assert.Null(RedisCacheBackplane.Parse("4|" + new string('0', 32) + "|17|x", new string('0', 32)));
        Assert.False(RedisCacheBackplane.Parse("3|0123456789abcdef0123456789abcdef|42|live_data", new string('0', 32))!.Value.FromLaterRelease);
    }

    [Fact]
    public void Parse_HeartbeatAndGoodbye_FieldsOfALaterRelease_AreIgnored()
    {
        var heartbeat = RedisCacheBackplane.Parse("h|0123456789abcdef0123456789abcdef|3000|123456789|v=4|more", new string('0', 32))!.Value;
        Assert.Equal((BackplaneMessageKind.Heartbeat, TimeSpan.FromSeconds(3)), (heartbeat.Kind, heartbeat.Lease));
        Assert.Equal(BackplaneMessageKind.Goodbye, RedisCacheBackplane.Parse("b|0123456789abcdef0123456789abcdef|v=4", new string('0', 32))!.Value.Kind);
    }

    [Fact]
    public async Task LaterReleasesMessage_DropsEverythingHere_AndIsAcknowledged()
    {
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        await using var later = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        var (backplane, heard) = Start(redis);
        await backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        var acknowledged = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = (await later.GetMultiplexerAsync(default)).GetSubscriber();
        await subscriber.SubscribeAsync(later.Keys.AckChannel(later.InstanceId), (_, m) => acknowledged.TrySetResult((string)m!));

        // What a later release's writer might send: an unknown version with fields this release cannot read.
        await subscriber.PublishAsync(later.Keys.Channel, $"4|{later.InstanceId}|23|widget:live_calls:3|{{\"value\":1}}");

        Assert.Equal($"{redis.InstanceId}|23", await acknowledged.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(CacheTag.All, Assert.Single(heard.Invalidations));
    }

    [Fact]
    public async Task WireFormat_IsTheOneTheReleaseBeforeReads()
    {
        // Rolling upgrades from the release before (76fc106) need the same bytes on the channel: an invalidation
        // 3|{id}|{sequence}|{tags}, a heartbeat h|{id}|{lease ms}|{timestamp}. A change here needs a new version (4: read
        // by this release as "everything", see above) and a note in docs/distributed.md.
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o => o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(50));
        await using var watcher = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await (await watcher.GetMultiplexerAsync(default)).GetSubscriber().SubscribeAsync(watcher.Keys.Channel, (_, m) => seen.Enqueue((string)m!));
        var (backplane, _) = Start(redis);
        await backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));

        await backplane.PublishAsync([CacheTag.CompanyWidget("live_calls", 5), CacheTag.Company(5)], default);

        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => seen.Any(m => m.StartsWith("h|", StringComparison.Ordinal)) && seen.Any(m => m.StartsWith("3|", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)));
        Assert.Matches($"^3\\|{redis.InstanceId}\\|[1-9][0-9]*\\|widget:live_calls:5\\|company_data:5$", seen.First(m => m.StartsWith("3|", StringComparison.Ordinal)));
        Assert.Matches($"^h\\|{redis.InstanceId}\\|3000\\|-?[0-9]+$", seen.First(m => m.StartsWith("h|", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Garbage_OnTheChannel_IsIgnored()
    {
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        var (backplane, heard) = Start(redis);
        await backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        var db = (await redis.GetMultiplexerAsync(default)).GetDatabase();
        foreach (var junk in new[] { "hello", "1|short|widgets", "2|" + new string('a', 32) + "|widgets", "1|" + new string('b', 32) + "|company_data:-1" })
        {
            await db.PublishAsync(redis.Keys.Channel, junk);
        }

        await db.PublishAsync(redis.Keys.Channel, "1|" + new string('c', 32) + "|live_data");
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !heard.Invalidations.IsEmpty, TimeSpan.FromSeconds(5)));
        Assert.Equal(CacheTag.DataType(WidgetTier.Live), Assert.Single(heard.Invalidations));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("1|0123456789abcdef0123456789abcdef")]
    [InlineData("1|0123456789abcdef0123456789abcdef|nonsense")]
    [InlineData("9|0123456789abcdef0123456789abcdef|widgets")]
    [InlineData("2|0123456789abcdef0123456789abcdef|widgets")]
    [InlineData("2|0123456789abcdef0123456789abcdef|widgets|nonsense")]
    [InlineData("2|0123456789abcdef0123456789abcdef|widgets||live_data")]
    [InlineData("3|0123456789abcdef0123456789abcdef|widgets")]
    [InlineData("3|0123456789abcdef0123456789abcdef|0|widgets")]
    [InlineData("3|0123456789abcdef0123456789abcdef|-4|widgets")]
    [InlineData("3|0123456789abcdef0123456789abcdef|7")]
    [InlineData("3|0123456789abcdef0123456789abcdef|7|")]
    [InlineData("h|short")]
    [InlineData("4|0123456789abcdef0123456789abcdef|widgets")]
    [InlineData("4|0123456789abcdef0123456789abcdef")]
    [InlineData("4|short|7|anything")]
    [InlineData("100|0123456789abcdef0123456789abcdef|7|anything")]
    [InlineData("h|0123456789abcdef0123456789abcdef|widgets")]
    [InlineData("h|0123456789abcdef0123456789abcdef|0|17")]
    [InlineData("h|0123456789abcdef0123456789abcdef|3000")]
    [InlineData("h|0123456789abcdef0123456789abcdef|3000|-17")]
    public void Parse_Garbage_Throws(string? text) =>
        Assert.Throws<FormatException>(() => RedisCacheBackplane.Parse(text, new string('0', 32)));

    [Fact]
    public void Parse_SeveralTags_InTheirOrder() =>
        Assert.Equal(
            [CacheTag.CompanyWidget("live_calls", 3), CacheTag.DataType(WidgetTier.Live)],
            RedisCacheBackplane.Parse("2|0123456789abcdef0123456789abcdef|widget:live_calls:3|live_data", new string('0', 32))!.Value.Tags);

    [Fact]
    public void Parse_Version3_CarriesItsSenderAndSequence()
    {
        var message = RedisCacheBackplane.Parse("3|0123456789abcdef0123456789abcdef|42|widget:live_calls:3|live_data", new string('0', 32))!.Value;

        Assert.Equal(("0123456789abcdef0123456789abcdef", 42L, BackplaneMessageKind.Invalidation), (message.Sender, message.Sequence, message.Kind));
        Assert.Equal([CacheTag.CompanyWidget("live_calls", 3), CacheTag.DataType(WidgetTier.Live)], message.Tags);
        Assert.Equal([CacheTag.Company(9)], RedisCacheBackplane.Parse("3|0123456789abcdef0123456789abcdef|1|company_data:9", new string('0', 32))!.Value.Tags);
    }

    [Fact]
    public void Parse_HeartbeatAndGoodbye()
    {
        Assert.Equal(BackplaneMessageKind.Heartbeat, RedisCacheBackplane.Parse("h|0123456789abcdef0123456789abcdef", new string('0', 32))!.Value.Kind);
        Assert.Equal(BackplaneMessageKind.Goodbye, RedisCacheBackplane.Parse("b|0123456789abcdef0123456789abcdef", new string('0', 32))!.Value.Kind);
        Assert.Null(RedisCacheBackplane.Parse("h|" + new string('0', 32), new string('0', 32)));
    }

    [Fact]
    public void Parse_HeartbeatWithALease_CarriesIt()
    {
        var message = RedisCacheBackplane.Parse("h|0123456789abcdef0123456789abcdef|3000|123456789", new string('0', 32))!.Value;

        Assert.Equal((BackplaneMessageKind.Heartbeat, TimeSpan.FromSeconds(3)), (message.Kind, message.Lease));
        Assert.Equal(TimeSpan.Zero, RedisCacheBackplane.Parse("h|0123456789abcdef0123456789abcdef", new string('0', 32))!.Value.Lease);
        Assert.Null(RedisCacheBackplane.Parse("h|" + new string('0', 32) + "|3000|1", new string('0', 32)));
    }

    [Fact]
    public async Task Lease_RenewedByOwnHeartbeats_NotWhileAMessageBeforeThemIsStillBeingHandled()
    {
        // B's held message blocks a pool thread; the instances share this process's pool.
        EnoughPoolThreads();
        var prefix = RedisTestEnvironment.UniquePrefix();
        static void Fast(RedisCacheOptions o)
        {
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.BackplaneLease = TimeSpan.FromSeconds(1);
        }

        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o => o.BackplaneAcknowledgementWait = TimeSpan.Zero);
        await using var redisB = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: Fast);
        await using var watcher = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        var (a, _) = Start(redisA);
        var (b, heardByB) = Start(redisB);
        await KnowEachOtherAsync((a, redisA), (b, redisB));
        var fromB = 0;
        await (await watcher.GetMultiplexerAsync(default)).GetSubscriber().SubscribeAsync(watcher.Keys.Channel, (_, m) =>
        {
            if (((string?)m)?.StartsWith("h|" + redisB.InstanceId, StringComparison.Ordinal) == true)
            {
                Interlocked.Increment(ref fromB);
            }
        });

        // Subscribed with no lease, then one per own heartbeat come back.
        Assert.Equal(TimeSpan.Zero, heardByB.Leases.First());
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByB.Leases.Count > 3, TimeSpan.FromSeconds(10)), "B's heartbeats renew nothing");
        Assert.All(heardByB.Leases.Skip(1), l => Assert.InRange(l, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1)));
        using var gate = new ManualResetEventSlim(false);
        heardByB.Gate = gate;
        try
        {
            await a.PublishAsync(CacheTag.Company(5), default);
            await heardByB.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
            var renewals = heardByB.Leases.Count;
            var sent = Volatile.Read(ref fromB);

            // Several of B's heartbeats went round after the message B holds: they wait behind it and renew nothing.
            Assert.True(await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref fromB) >= sent + 5, TimeSpan.FromSeconds(10)));
            Assert.Equal(renewals, heardByB.Leases.Count);

            gate.Set();
            Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByB.Leases.Count > renewals, TimeSpan.FromSeconds(10)), "B's lease was not renewed once it had handled the message");
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Publish_AnInstanceThatHoldsTheMessage_IsWaitedForUntilItsLeaseRanOut_AndNoLonger()
    {
        EnoughPoolThreads();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var heartbeat = TimeSpan.FromSeconds(1);
        var lease = TimeSpan.FromSeconds(3);
        void Options(RedisCacheOptions o)
        {
            o.BackplaneAcknowledgementWait = TimeSpan.FromMilliseconds(200); // without leases, the writer would go on after it
            o.BackplaneHeartbeatInterval = heartbeat;
            o.BackplaneLease = lease;
            o.BackplanePeerTimeout = TimeSpan.FromMinutes(1);
        }

        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, time, Options);
        await using var redisB = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, time, Options);
        var (a, _) = Start(redisA);
        var (b, heardByB) = Start(redisB);
        await KnowEachOtherAsync(time, heartbeat, (a, redisA), (b, redisB));
        using var gate = new ManualResetEventSlim(false);
        heardByB.Gate = gate;
        try
        {
            // The clock stands still from here: A heard B's last heartbeat before its message at most one interval ago.
            var publish = a.PublishAsync(CacheTag.Company(5), default).AsTask();
            await heardByB.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));

            time.Advance(RedisCacheBackplane.Outlasting(lease) - heartbeat - TimeSpan.FromMilliseconds(50));
            Assert.NotSame(publish, await Task.WhenAny(publish, Task.Delay(TimeSpan.FromMilliseconds(300))));

            time.Advance(heartbeat + TimeSpan.FromMilliseconds(51));
            await publish.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(a.Knows(redisB.InstanceId), "a stalled instance is alive: it is still waited for");
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task Publish_AnInstanceThatFellSilent_IsWaitedForAtMostItsLease_NotThePeerTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, time, o =>
        {
            o.BackplaneAcknowledgementWait = TimeSpan.FromSeconds(10);
            o.BackplanePeerTimeout = TimeSpan.FromMinutes(1);
        });
        var (a, _) = Start(redisA);
        await a.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));

        // Another instance announces itself with a 2 s lease, then crashes: no goodbye, no more heartbeats.
        var crashed = new string('d', 32);
        var db = (await redisA.GetMultiplexerAsync(default)).GetDatabase();
        await db.PublishAsync(redisA.Keys.Channel, "h|" + crashed + "|2000|1");
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => a.Knows(crashed), TimeSpan.FromSeconds(10)));

        // Just crashed: its lease may still hold, so a write waits for it, but only until the lease is surely over.
        var first = a.PublishAsync(CacheTag.Company(5), default).AsTask();
        Assert.NotSame(first, await Task.WhenAny(first, Task.Delay(TimeSpan.FromMilliseconds(300))));
        time.Advance(RedisCacheBackplane.Outlasting(TimeSpan.FromSeconds(2)) + TimeSpan.FromMilliseconds(1));
        await first.WaitAsync(TimeSpan.FromSeconds(10));

        // Still taken for alive (the peer timeout is a minute), yet the next write does not wait for it at all.
        Assert.True(a.Knows(crashed));
        await a.PublishAsync(CacheTag.Company(6), default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Publish_ReturnsOnlyOnceEveryOtherLiveInstanceAppliedIt()
    {
        // B's held message blocks a pool thread (a handler is synchronous); the three "instances" share this process's pool.
        EnoughPoolThreads();
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o => o.BackplaneAcknowledgementWait = TimeSpan.FromSeconds(20));
        await using var redisB = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        await using var redisC = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        var (a, _) = Start(redisA);
        var (b, heardByB) = Start(redisB);
        var (c, heardByC) = Start(redisC);
        await KnowEachOtherAsync((a, redisA), (b, redisB), (c, redisC));
        using var gate = new ManualResetEventSlim(false);
        heardByB.Gate = gate;
        CacheTag[] tags = [CacheTag.CompanyWidget("live_calls", 5), CacheTag.Company(5)];

        var publish = a.PublishAsync(tags, default).AsTask();

        // B has the message and holds it; C applied it. A must still be waiting for B.
        await heardByB.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => heardByC.Messages.Count == 1, TimeSpan.FromSeconds(10)));
        Assert.NotSame(publish, await Task.WhenAny(publish, Task.Delay(TimeSpan.FromMilliseconds(300))));

        gate.Set();
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(tags, Assert.Single(heardByB.Messages));
        Assert.Equal(tags, Assert.Single(heardByC.Messages));
    }

    [Fact]
    public async Task Publish_WithoutLeases_AnInstanceThatNeverAnswers_CostsTheWaitOnly()
    {
        EnoughPoolThreads();
        var prefix = RedisTestEnvironment.UniquePrefix();
        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o =>
        {
            o.BackplaneAcknowledgementWait = TimeSpan.FromMilliseconds(300);
            o.BackplaneLease = TimeSpan.Zero;
        });
        await using var redisB = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o => o.BackplaneLease = TimeSpan.Zero);
        var (a, _) = Start(redisA);
        var (b, heardByB) = Start(redisB);
        await KnowEachOtherAsync((a, redisA), (b, redisB));
        using var gate = new ManualResetEventSlim(false);
        heardByB.Gate = gate;
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await a.PublishAsync(CacheTag.Company(5), default).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(10));
            Assert.True(a.Knows(redisB.InstanceId), "a slow instance is still waited for: it is alive");
        }
        finally
        {
            gate.Set();
        }
    }

    [Fact]
    public async Task AnInstanceThatStops_SaysGoodbye_AndOneThatFallsSilent_IsForgottenAfterThePeerTimeout()
    {
        var prefix = RedisTestEnvironment.UniquePrefix();
        static void Fast(RedisCacheOptions o)
        {
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(50);
            o.BackplanePeerTimeout = TimeSpan.FromMilliseconds(500);
        }

        await using var redisA = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o => o.BackplanePeerTimeout = TimeSpan.FromMinutes(5));
        await using var redisB = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix);
        await using var redisC = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: o =>
        {
            Fast(o);
            o.BackplaneAcknowledgementWait = TimeSpan.FromSeconds(30); // were D still awaited, C's publish would take all of it
        });
        await using var redisD = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, prefix, configure: Fast);
        var (a, _) = Start(redisA);
        var (b, _) = Start(redisB);
        await KnowEachOtherAsync((a, redisA), (b, redisB));

        await b.DisposeAsync();

        // Only the goodbye can end it this soon: A's peer timeout is five minutes.
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !a.Knows(redisB.InstanceId), TimeSpan.FromSeconds(10)), "A still waits for B after B stopped");

        var (c, _) = Start(redisC);
        var (d, _) = Start(redisD);
        await KnowEachOtherAsync((c, redisC), (d, redisD));

        // D's connection closes under it: no goodbye, no more heartbeats.
        await redisD.DisposeAsync();

        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => !c.Knows(redisD.InstanceId), TimeSpan.FromSeconds(10)), "C still waits for a silent D");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await c.PublishAsync(CacheTag.Company(5), default).AsTask().WaitAsync(TimeSpan.FromSeconds(40));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"C waited {watch.Elapsed} for an instance it had forgotten");
    }

    internal static void EnoughPoolThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), io);
    }

    /// <summary>Waits until every backplane knows every other one (their heartbeats went round).</summary>
    internal static async Task KnowEachOtherAsync(params (RedisCacheBackplane Backplane, RedisConnection Redis)[] instances)
    {
        foreach (var (backplane, _) in instances)
        {
            await backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        }

        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(
                () => instances.All(x => instances.All(y => ReferenceEquals(x.Backplane, y.Backplane) || x.Backplane.Knows(y.Redis.InstanceId))),
                TimeSpan.FromSeconds(15)),
            "the instances never heard each other's heartbeats");
    }

    /// <summary>As the other <c>KnowEachOtherAsync</c>, on a fake clock: heartbeats go out as it moves.</summary>
    internal static async Task KnowEachOtherAsync(FakeTimeProvider time, TimeSpan heartbeat, params (RedisCacheBackplane Backplane, RedisConnection Redis)[] instances)
    {
        foreach (var (backplane, _) in instances)
        {
            await backplane.WhenSubscribed.WaitAsync(TimeSpan.FromSeconds(15));
        }

        Assert.True(
            await RedisTestEnvironment.EventuallyAsync(
                () =>
                {
                    var known = instances.All(x => instances.All(y => ReferenceEquals(x.Backplane, y.Backplane) || x.Backplane.Knows(y.Redis.InstanceId)));
                    if (!known)
                    {
                        time.Advance(heartbeat);
                    }

                    return known;
                },
                TimeSpan.FromSeconds(15)),
            "the instances never heard each other's heartbeats");
    }

    [Fact]
    public void Parse_TooManyTags_Throws() =>
        Assert.Throws<FormatException>(() => RedisCacheBackplane.Parse(
            "2|0123456789abcdef0123456789abcdef|" + string.Join('|', Enumerable.Repeat("widgets", RedisCacheBackplane.MaxTagsPerMessage + 1)),
            new string('0', 32)));

    [Fact]
    public void Parse_OwnMessage_ReturnsNull() =>
        Assert.Null(RedisCacheBackplane.Parse("1|" + new string('0', 32) + "|widgets", new string('0', 32)));

    private static (RedisCacheBackplane Backplane, RecordingHandler Handler) Start(RedisConnection redis)
    {
        var backplane = new RedisCacheBackplane(redis, NullLogger<RedisCacheBackplane>.Instance, new RedisMetrics(new TestMeterFactory()));
        var handler = new RecordingHandler();
        backplane.Subscribe(handler);
        return (backplane, handler);
    }

    internal sealed class RecordingHandler : IBackplaneHandler
    {
        public ConcurrentQueue<CacheTag> Invalidations { get; } = new();

        public ConcurrentQueue<CacheTag[]> Messages { get; } = new();

        public int Missed;

        /// <summary>When set, a message is held here (the handler's thread blocked) until the gate opens.</summary>
        public ManualResetEventSlim? Gate { get; set; }

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<TimeSpan> Leases { get; } = new();

        public void OnLease(TimeSpan validFor) => Leases.Enqueue(validFor);

        public void OnRemoteInvalidation(CacheTag tag)
        {
            Hold();
            Invalidations.Enqueue(tag);
        }

        public void OnRemoteInvalidations(IReadOnlyList<CacheTag> tags)
        {
            Hold();
            Messages.Enqueue([.. tags]);
        }

        private void Hold()
        {
            Entered.TrySetResult();
            Gate?.Wait(TimeSpan.FromSeconds(30));
        }

        public void OnMessagesMayHaveBeenMissed() => Interlocked.Increment(ref Missed);
    }
}
