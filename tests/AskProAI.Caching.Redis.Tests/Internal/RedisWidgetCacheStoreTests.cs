using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Tests.Internal;

/// <summary>The L2 contract against Redis (ASKPRO_TEST_REDIS), each test under its own prefix.</summary>
public sealed class RedisWidgetCacheStoreContractTests : WidgetCacheStoreContract
{
    private RedisConnection? _redis;

    protected override IWidgetCacheStore CreateStore(FakeTimeProvider time)
    {
        _redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, RedisTestEnvironment.UniquePrefix(), time);
        return new RedisWidgetCacheStore(_redis, time, NullLogger<RedisWidgetCacheStore>.Instance, new RedisMetrics(new TestMeterFactory()));
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>The L2 contract against the Redis Cluster (ASKPRO_TEST_REDIS_CLUSTER): entries, stamps and their MGETs respect hash slots.</summary>
[Collection("RedisCluster")]
public sealed class RedisClusterWidgetCacheStoreContractTests : WidgetCacheStoreContract
{
    private RedisConnection? _redis;

    protected override IWidgetCacheStore CreateStore(FakeTimeProvider time)
    {
        _redis = RedisTestEnvironment.Connect(RedisTestCluster.Configuration, RedisTestEnvironment.UniquePrefix(), time);
        return new RedisWidgetCacheStore(_redis, time, NullLogger<RedisWidgetCacheStore>.Instance, new RedisMetrics(new TestMeterFactory()));
    }

    public override async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>What only the Redis store does: key layout, hash slots, TTLs, codec, unreadable values.</summary>
public sealed class RedisWidgetCacheStoreTests : IAsyncLifetime
{
    private readonly string _prefix = RedisTestEnvironment.UniquePrefix();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 8, 6, 18, 7, 30, TimeSpan.Zero));
    private RedisConnection _redis = null!;
    private RedisWidgetCacheStore _store = null!;
    private IDatabase _db = null!;

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        _redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, _prefix, _time);
        _store = new RedisWidgetCacheStore(_redis, _time, NullLogger<RedisWidgetCacheStore>.Instance, new RedisMetrics(new TestMeterFactory()));
        _db = (await _redis.GetMultiplexerAsync(default)).GetDatabase();
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task Set_StoresUnderCompanyHashTag_WithTtlOfExpiryPlusMargin()
    {
        const string key = "widget:dashboard_stats:123:2025-08-06-18";
        await _store.SetAsync(key, 123, new StoredEntry(new byte[] { 1, 2, 3 }, NowMs, NowMs + 900_000), default);

        var redisKey = _prefix + "{c:123}:" + key;
        var ttl = await _db.KeyTimeToLiveAsync(redisKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(895), TimeSpan.FromSeconds(906));
        var raw = (byte[])(await _db.StringGetAsync(redisKey))!;
        Assert.Equal(PayloadCodec.Raw, raw[0]);
    }

    [Fact]
    public void Keys_OfACompany_ShareOneHashSlot_GlobalTagsAnother()
    {
        var entry = _redis.Keys.Company(5, "widget:dashboard_stats:5:2025-08-06-18");
        var lockKey = _redis.Keys.Company(5, "lock:widget:dashboard_stats:5:2025-08-06-18");
        var slot = ClusterSlot(entry!);
        Assert.Equal(slot, ClusterSlot(lockKey!));
        Assert.NotEqual(slot, ClusterSlot(_redis.Keys.Company(6, "widget:dashboard_stats:6:2025-08-06-18")!));
        foreach (var tag in CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 5))
        {
            var (tagKey, group) = _redis.Keys.Tag(tag.ToString());
            Assert.Equal(tag.IsCompanyScoped, ClusterSlot(tagKey!) == slot);
            Assert.Equal(tag.IsCompanyScoped ? 5 : RedisKeys.GlobalGroup, group);
        }

        Assert.Equal(ClusterSlot(_redis.Keys.Tag("widgets").Key!), ClusterSlot(_redis.Keys.Tag("live_data").Key!));
    }

    /// <summary>Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag, or of the whole key without one, mod 16384.</summary>
    private static int ClusterSlot(string key)
    {
        var open = key.IndexOf('{', StringComparison.Ordinal);
        if (open >= 0 && key.IndexOf('}', open + 1) is var close and > 0 && close > open + 1)
        {
            key = key[(open + 1)..close];
        }

        ushort crc = 0;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(key))
        {
            crc ^= (ushort)(b << 8);
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }

    [Fact]
    public async Task LargePayload_IsStoredBrotliCompressed()
    {
        var payload = WidgetPayloads.DashboardJson(15_000);
        await _store.SetAsync("widget:dashboard_stats:1:2025-08-06-18", 1, new StoredEntry(payload, NowMs, NowMs + 60_000), default);
        var raw = (byte[])(await _db.StringGetAsync(_prefix + "{c:1}:widget:dashboard_stats:1:2025-08-06-18"))!;
        Assert.Equal(PayloadCodec.Brotli, raw[0]);
        Assert.True(raw.Length < payload.Length / 2, $"{raw.Length} bytes stored for {payload.Length}");
    }

    [Fact]
    public async Task Get_UnreadableValue_IsAMissNotAnError()
    {
        await _db.StringSetAsync(_prefix + "{c:2}:widget:a:2:2025-08-06-18", "not an entry");
        await _db.StringSetAsync(_prefix + "{c:2}:widget:b:2:2025-08-06-18", (byte[])[PayloadCodec.Brotli, .. new byte[16], 0xFF, 0xFF, 0xFF, 0x7F, 1, 2]);
        Assert.Null(await _store.GetAsync("widget:a:2:2025-08-06-18", 2, default));
        Assert.Null(await _store.GetAsync("widget:b:2:2025-08-06-18", 2, default));
    }

    [Fact]
    public async Task GetTagStamps_UnreadableStamp_CountsAsInvalidatedAndIsRepairedByTheNextInvalidation()
    {
        await _db.StringSetAsync(_redis.Keys.Tag("company_data:3").Key, "garbage");
        Assert.Equal(long.MaxValue, (await _store.GetTagStampsAsync(["company_data:3"], default))[0]);
        await _store.SetTagStampAsync("company_data:3", 42, default);
        Assert.Equal(42, (await _store.GetTagStampsAsync(["company_data:3"], default))[0]);
    }

    [Fact]
    public async Task SetTagStamp_SetsRetention()
    {
        await _store.SetTagStampAsync("widgets", 42, default);
        var ttl = await _db.KeyTimeToLiveAsync(_redis.Keys.Tag("widgets").Key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(23), TimeSpan.FromDays(1));
    }
}
