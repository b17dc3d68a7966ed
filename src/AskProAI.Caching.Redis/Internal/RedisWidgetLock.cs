using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// <c>SET key token NX PX lease</c> in the company's hash slot, with a random owner token; released by a Lua
/// compare-and-delete, so an owner whose lease ran out cannot delete the lock another owner took since. With a
/// release grace, the release shortens the lease to the grace instead of deleting: an instance whose L2 poll
/// landed just before the owner's write then finds the lock still taken and reads the value on its next poll,
/// rather than taking the lock only to find the value on the L2 read the engine makes after taking it.
/// </summary>
internal sealed class RedisWidgetLock(RedisConnection redis, ILogger<RedisWidgetLock> logger) : IDistributedWidgetLock
{
    private const string ReleaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          if tonumber(ARGV[2]) > 0 then
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
          end
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private readonly long _graceMs = (long)redis.Options.LockReleaseGrace.TotalMilliseconds;

    public async ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, int companyId, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var lockKey = redis.Keys.Company(companyId, key);
        var token = Guid.NewGuid().ToString("N");
        var taken = await redis.ExecuteAsync(
            "lock-acquire",
            lockKey,
            (Key: lockKey, Token: token, Lease: lease),
            static (db, s) => db.StringSetAsync(s.Key, s.Token, s.Lease, When.NotExists),
            cancellationToken);
        return taken ? new Lease(this, lockKey, token) : null;
    }

    /// <summary>Releases the lock (after the grace) if this token still owns it; returns whether it did.</summary>
    internal async Task<bool> ReleaseAsync(RedisKey key, string token)
    {
        var deleted = await redis.ExecuteAsync(
            "lock-release",
            key,
            (Key: key, Token: token, Grace: _graceMs),
            static (db, s) => db.ScriptEvaluateAsync(ReleaseScript, [s.Key], [s.Token, s.Grace]),
            CancellationToken.None);
        return (long)deleted == 1;
    }

    internal sealed class Lease(RedisWidgetLock owner, RedisKey key, string token) : IAsyncDisposable
    {
        private int _released;

        internal RedisKey Key => key;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await owner.ReleaseAsync(key, token);
            }
            catch (Exception ex)
            {
                // Never fail the computation over a release: the lease expires on its own.
                Log.LockReleaseFailed(owner.Logger, ex);
            }
        }
    }

    private ILogger Logger => logger;
}
