using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// The Redis L2: one string value per entry (see <see cref="PayloadCodec"/>) in its company's hash slot with a
/// Redis TTL of its expiry plus a margin; one string per tag stamp, moved only upwards by a Lua script.
/// </summary>
internal sealed class RedisWidgetCacheStore(RedisConnection redis, TimeProvider time, ILogger<RedisWidgetCacheStore> logger, RedisMetrics metrics)
    : IWidgetCacheStore
{
    // Keeps the larger stamp atomically and renews the stamp's retention either way.
    /// <summary>Each key of one hash slot moves to the stamp if that is larger (never back); the retention renewed either way.</summary>
    private const string MaxStampsScript = """
        local new = tonumber(ARGV[1])
        for i, key in ipairs(KEYS) do
          local cur = tonumber(redis.call('GET', key))
          if cur == nil or new > cur then
            redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
          else
            redis.call('PEXPIRE', key, ARGV[2])
          end
        end
        return #KEYS
        """;

    private readonly RedisKeys _keys = redis.Keys;
    private readonly int _threshold = redis.Options.CompressionThresholdBytes;
    private readonly long _marginMs = (long)redis.Options.ExpiryMargin.TotalMilliseconds;
    private readonly long _retentionMs = (long)redis.Options.TagStampRetention.TotalMilliseconds;

    public async ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken)
    {
        var value = await redis.ExecuteAsync("l2-get", _keys.Company(companyId, key), static (db, k) => db.StringGetAsync(k), cancellationToken);
        return Decode(value);
    }

    public async ValueTask<(StoredEntry? Entry, long[] Stamps)> GetWithTagStampsAsync(
        string key, int companyId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var groups = GroupTags(tags);
        var (value, stamps) = await redis.ExecuteAsync(
            "l2-get",
            (Key: _keys.Company(companyId, key), Groups: groups),
            static (db, s) => ReadEntryAndStampsAsync(db, s.Key, s.Groups),
            cancellationToken);
        var entry = Decode(value);
        return entry is null ? (null, []) : (entry, StampsOf(groups, stamps, tags.Count));
    }

    private StoredEntry? Decode(RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }

        var bytes = (byte[])value!;
        if (!PayloadCodec.TryDecode(bytes, out var entry, out var error))
        {
            metrics.InvalidEntry();
            Log.InvalidEntry(logger, bytes.Length, error!);
            return null;
        }

        return entry!.ExpiresUnixMs > time.GetUtcNow().ToUnixTimeMilliseconds() ? entry : null;
    }

    public async ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken)
    {
        var ttlMs = entry.ExpiresUnixMs - time.GetUtcNow().ToUnixTimeMilliseconds();
        if (ttlMs <= 0)
        {
            return;
        }

        var value = PayloadCodec.Encode(entry, _threshold);
        var ttl = TimeSpan.FromMilliseconds(ttlMs + _marginMs);
        await redis.ExecuteAsync(
            "l2-set",
            (Key: _keys.Company(companyId, key), Value: value, Ttl: ttl),
            static (db, s) => db.StringSetAsync(s.Key, s.Value, s.Ttl, When.Always),
            cancellationToken);
    }

    public async ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        var groups = GroupTags(tags);
        var results = await redis.ExecuteAsync("tag-stamps", groups, static (db, g) => ReadStampsAsync(db, g), cancellationToken);
        return StampsOf(groups, results, tags.Count);
    }

    /// <summary>
    /// The tags' stamp keys by hash slot (company and global): one MGET per slot, sent together as one batch, so one round
    /// trip and never a cross-slot MGET on a cluster.
    /// </summary>
    private Dictionary<int, (List<RedisKey> Keys, List<int> Indexes)> GroupTags(IReadOnlyList<string> tags)
    {
        var groups = new Dictionary<int, (List<RedisKey> Keys, List<int> Indexes)>();
        for (var i = 0; i < tags.Count; i++)
        {
            var (k, group) = _keys.Tag(tags[i]);
            if (!groups.TryGetValue(group, out var g))
            {
                groups[group] = g = ([], []);
            }

            g.Keys.Add(k);
            g.Indexes.Add(i);
        }

        return groups;
    }

    /// <summary>The stamps in the tags' order, from one MGET result per group (in the groups' order).</summary>
    private static long[] StampsOf(Dictionary<int, (List<RedisKey> Keys, List<int> Indexes)> groups, RedisValue[][] results, int count)
    {
        var stamps = new long[count];
        var n = 0;
        foreach (var (_, g) in groups)
        {
            var values = results[n++];
            for (var j = 0; j < g.Indexes.Count; j++)
            {
                stamps[g.Indexes[j]] = ParseStamp(values[j]);
            }
        }

        return stamps;
    }

    /// <summary>The entry's GET and the stamps' MGETs in one batch: one round trip (per node on a cluster, in parallel).</summary>
    private static async Task<(RedisValue Entry, RedisValue[][] Stamps)> ReadEntryAndStampsAsync(
        IDatabase db, RedisKey key, Dictionary<int, (List<RedisKey> Keys, List<int> Indexes)> groups)
    {
        var batch = db.CreateBatch();
        var entry = batch.StringGetAsync(key);
        var reads = new List<Task<RedisValue[]>>(groups.Count);
        foreach (var (_, g) in groups)
        {
            reads.Add(batch.StringGetAsync([.. g.Keys]));
        }

        batch.Execute();
        return (await entry, await Task.WhenAll(reads));
    }

    public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken) =>
        SetTagStampsAsync([tag], unixMilliseconds, cancellationToken);

    public async ValueTask SetTagStampsAsync(IReadOnlyList<string> tags, long unixMilliseconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        if (tags.Count == 0)
        {
            return;
        }

        // One script per hash slot (a company's tags share one), the scripts sent together: one round trip, never a
        // cross-slot script on a cluster.
        var groups = new Dictionary<int, List<RedisKey>>();
        foreach (var tag in tags)
        {
            var (key, group) = _keys.Tag(tag);
            if (!groups.TryGetValue(group, out var keys))
            {
                groups[group] = keys = [];
            }

            keys.Add(key);
        }

        await redis.ExecuteAsync(
            "tag-stamps-set",
            (Groups: groups, Stamp: unixMilliseconds, Retention: _retentionMs),
            static (db, s) => WriteStampsAsync(db, s.Groups, s.Stamp, s.Retention),
            cancellationToken);
    }

    private static async Task<int> WriteStampsAsync(IDatabase db, Dictionary<int, List<RedisKey>> groups, long stamp, long retention)
    {
        if (groups.Count == 1)
        {
            foreach (var (_, keys) in groups)
            {
                await db.ScriptEvaluateAsync(MaxStampsScript, [.. keys], [stamp, retention]);
            }

            return 1;
        }

        var batch = db.CreateBatch();
        var writes = new List<Task<RedisResult>>(groups.Count);
        foreach (var (_, keys) in groups)
        {
            writes.Add(batch.ScriptEvaluateAsync(MaxStampsScript, [.. keys], [stamp, retention]));
        }

        batch.Execute();
        await Task.WhenAll(writes);
        return groups.Count;
    }

    private static async Task<RedisValue[][]> ReadStampsAsync(IDatabase db, Dictionary<int, (List<RedisKey> Keys, List<int> Indexes)> groups)
    {
        if (groups.Count == 1)
        {
            foreach (var (_, g) in groups)
            {
                return [await db.StringGetAsync([.. g.Keys])];
            }
        }

        var batch = db.CreateBatch();
        var reads = new List<Task<RedisValue[]>>(groups.Count);
        foreach (var (_, g) in groups)
        {
            reads.Add(batch.StringGetAsync([.. g.Keys]));
        }

        batch.Execute();
        return await Task.WhenAll(reads);
    }

    private static long ParseStamp(RedisValue value)
    {
        if (value.IsNull)
        {
            return 0;
        }

        // An unreadable stamp counts as "invalidated just now": a miss, never a stale value served.
        return value.TryParse(out long stamp) ? stamp : long.MaxValue;
    }
}
