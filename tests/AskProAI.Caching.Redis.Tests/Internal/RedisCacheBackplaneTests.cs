using System.Collections.Concurrent;
using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;

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
    public void Parse_Garbage_Throws(string? text) =>
        Assert.Throws<FormatException>(() => RedisCacheBackplane.Parse(text, new string('0', 32)));

    [Fact]
    public void Parse_SeveralTags_InTheirOrder() =>
        Assert.Equal(
            [CacheTag.CompanyWidget("live_calls", 3), CacheTag.DataType(WidgetTier.Live)],
            RedisCacheBackplane.Parse("2|0123456789abcdef0123456789abcdef|widget:live_calls:3|live_data", new string('0', 32))!);

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

        public void OnRemoteInvalidation(CacheTag tag) => Invalidations.Enqueue(tag);

        public void OnRemoteInvalidations(IReadOnlyList<CacheTag> tags) => Messages.Enqueue([.. tags]);

        public void OnMessagesMayHaveBeenMissed() => Interlocked.Increment(ref Missed);
    }
}
