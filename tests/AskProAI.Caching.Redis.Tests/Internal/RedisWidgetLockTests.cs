using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace AskProAI.Caching.Redis.Tests.Internal;

/// <summary>The lock against standalone Redis (ASKPRO_TEST_REDIS); <see cref="RedisClusterWidgetLockTests"/> runs the same on the cluster.</summary>
public class RedisWidgetLockTests : IAsyncLifetime
{
    private RedisConnection _redis = null!;
    private RedisWidgetLock _lock = null!;

    public Task InitializeAsync()
    {
        _redis = RedisTestEnvironment.Connect(
            Configuration, RedisTestEnvironment.UniquePrefix(), configure: o => o.LockReleaseGrace = TimeSpan.Zero);
        _lock = new RedisWidgetLock(_redis, NullLogger<RedisWidgetLock>.Instance);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    protected virtual string Configuration => RedisTestEnvironment.Configuration;

    [Fact]
    public async Task TryAcquire_WhileHeld_ReturnsNull_AndAfterRelease_Succeeds()
    {
        var first = await _lock.TryAcquireAsync("lock:widget:a:1:b", 1, TimeSpan.FromSeconds(30), default);
        Assert.NotNull(first);
        Assert.Null(await _lock.TryAcquireAsync("lock:widget:a:1:b", 1, TimeSpan.FromSeconds(30), default));
        await first.DisposeAsync();
        var second = await _lock.TryAcquireAsync("lock:widget:a:1:b", 1, TimeSpan.FromSeconds(30), default);
        Assert.NotNull(second);
        await second.DisposeAsync();
    }

    [Fact]
    public async Task TryAcquire_ConcurrentOwners_ExactlyOneWins()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _lock.TryAcquireAsync("lock:widget:c:1:b", 1, TimeSpan.FromSeconds(30), default).AsTask()));
        Assert.Single(attempts, a => a is not null);
    }

    [Fact]
    public async Task Release_AfterLeaseExpiredAndAnotherOwnerTookIt_DoesNotDeleteTheOtherOwnersLock()
    {
        var stale = await _lock.TryAcquireAsync("lock:widget:d:1:b", 1, TimeSpan.FromMilliseconds(100), default);
        Assert.NotNull(stale);
        RedisWidgetLock.Lease? current = null;
        Assert.True(await RedisTestEnvironment.EventuallyAsync(
            async () => (current = (RedisWidgetLock.Lease?)await _lock.TryAcquireAsync("lock:widget:d:1:b", 1, TimeSpan.FromSeconds(30), default)) is not null,
            TimeSpan.FromSeconds(5)));

        await stale.DisposeAsync();

        var db = (await _redis.GetMultiplexerAsync(default)).GetDatabase();
        Assert.True(await db.KeyExistsAsync(current!.Key), "the second owner's lock was deleted by the first owner");
        Assert.Null(await _lock.TryAcquireAsync("lock:widget:d:1:b", 1, TimeSpan.FromSeconds(30), default));
        await current.DisposeAsync();
        Assert.False(await db.KeyExistsAsync(current.Key));
    }

    [Fact]
    public async Task Release_WithGrace_RefusesOthersForTheGraceThenFrees()
    {
        await using var redis = RedisTestEnvironment.Connect(
            Configuration, RedisTestEnvironment.UniquePrefix(), configure: o => o.LockReleaseGrace = TimeSpan.FromSeconds(1));
        var graceLock = new RedisWidgetLock(redis, NullLogger<RedisWidgetLock>.Instance);
        var owner = await graceLock.TryAcquireAsync("lock:widget:f:1:b", 1, TimeSpan.FromSeconds(30), default);
        await owner!.DisposeAsync();

        var ttl = await (await redis.GetMultiplexerAsync(default)).GetDatabase().KeyTimeToLiveAsync(((RedisWidgetLock.Lease)owner).Key);
        Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(1));
        Assert.Null(await graceLock.TryAcquireAsync("lock:widget:f:1:b", 1, TimeSpan.FromSeconds(30), default));
        Assert.True(await RedisTestEnvironment.EventuallyAsync(
            async () => await graceLock.TryAcquireAsync("lock:widget:f:1:b", 1, TimeSpan.FromSeconds(30), default) is not null, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Lock_LivesInTheCompanysHashSlot_WithTheLease()
    {
        await using var lease = await _lock.TryAcquireAsync("lock:widget:e:7:b", 7, TimeSpan.FromSeconds(30), default);
        var key = ((RedisWidgetLock.Lease)lease!).Key;
        Assert.Contains("{c:7}:lock:widget:e:7:b", key.ToString(), StringComparison.Ordinal);
        var ttl = await (await _redis.GetMultiplexerAsync(default)).GetDatabase().KeyTimeToLiveAsync(key);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(30));
    }
}

/// <summary>The lock tests on the Redis Cluster (ASKPRO_TEST_REDIS_CLUSTER): a lock lives in its company's slot.</summary>
[Collection("RedisCluster")]
public sealed class RedisClusterWidgetLockTests : RedisWidgetLockTests
{
    protected override string Configuration => RedisTestCluster.Configuration;
}
