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
        var entryKey = _keys.Company(companyId, key);
        var value = await redis.ExecuteAsync("l2-get", entryKey, entryKey, static (db, k) => db.StringGetAsync(k), cancellationToken);
        return Decode(value);
    }

    public async ValueTask<(StoredEntry? Entry, long[] Stamps)> GetWithTagStampsAsync(
        string key, int companyId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var entryKey = _keys.Company(companyId, key);
        var entryNode = redis.NodeOf(entryKey);
        var byNode = ByNode(GroupTags(tags).Values, static g => g.Keys[0]);
        var stamps = new long[tags.Count];

        // The entry's GET goes in one batch with the stamps its node serves (its company's slot at least); the other
        // nodes' stamps ({g} on another master) in parallel, each through its own breaker.
        var own = byNode.FindIndex(n => ReferenceEquals(n.Node, entryNode));
        List<(List<RedisKey> Keys, List<int> Indexes)> ownGroups = own < 0 ? [] : byNode[own].Groups;
        var entryRead = redis.ExecuteAsync(
            "l2-get",
            entryNode,
            (Key: entryKey, Groups: ownGroups),
            static (db, s) => ReadEntryAndStampsAsync(db, s.Key, s.Groups),
            cancellationToken);
        if (byNode.Count > (own < 0 ? 0 : 1))
        {
            var others = byNode.Where(n => !ReferenceEquals(n.Node, entryNode)).Select(n => ReadStampsAsync(n.Node, n.Groups, stamps, cancellationToken));
            await Task.WhenAll(others.Prepend(entryRead));
        }

        var (value, ownStamps) = await entryRead;
        Fill(ownGroups, ownStamps, stamps);
        var entry = Decode(value);
        return entry is null ? (null, []) : (entry, stamps);
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
        var entryKey = _keys.Company(companyId, key);
        await redis.ExecuteAsync(
            "l2-set",
            entryKey,
            (Key: entryKey, Value: value, Ttl: ttl),
            static (db, s) => db.StringSetAsync(s.Key, s.Value, s.Ttl, When.Always),
            cancellationToken);
    }

    public async ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return [];
        }

        // On a cluster each node's batch goes through its own breaker, in parallel: a node whose breaker is open fails
        // the read at once, the others are not held against it.
        var stamps = new long[tags.Count];
        await EachNodeAsync(ByNode(GroupTags(tags).Values, static g => g.Keys[0]), (node, groups) => ReadStampsAsync(node, groups, stamps, cancellationToken));
        return stamps;
    }

    /// <summary>Runs the work once per node, the nodes in parallel (one node, the usual case: no task to combine).</summary>
    private static Task EachNodeAsync<T>(List<(RedisNode Node, List<T> Groups)> byNode, Func<RedisNode, List<T>, Task> work) =>
        byNode.Count == 1 ? work(byNode[0].Node, byNode[0].Groups) : Task.WhenAll(byNode.Select(n => work(n.Node, n.Groups)));

    /// <summary>
    /// The tags' stamp keys by hash slot (company and global): one MGET per slot, the slots of one node sent together as
    /// one batch, so one round trip per node and never a cross-slot MGET on a cluster.
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

    /// <summary>Puts one MGET result per group (in the groups' order) into the tags' places.</summary>
    private static void Fill(List<(List<RedisKey> Keys, List<int> Indexes)> groups, RedisValue[][] results, long[] stamps)
    {
        for (var n = 0; n < groups.Count; n++)
        {
            var indexes = groups[n].Indexes;
            for (var j = 0; j < indexes.Count; j++)
            {
                stamps[indexes[j]] = ParseStamp(results[n][j]);
            }
        }
    }

    /// <summary>The entry's GET and the stamps' MGETs of its node in one batch: one round trip.</summary>
    private static async Task<(RedisValue Entry, RedisValue[][] Stamps)> ReadEntryAndStampsAsync(
        IDatabase db, RedisKey key, List<(List<RedisKey> Keys, List<int> Indexes)> groups)
    {
        if (groups.Count == 0)
        {
            return (await db.StringGetAsync(key), []);
        }

        var batch = db.CreateBatch();
        var entry = batch.StringGetAsync(key);
        var reads = QueueStampReads(batch, groups);
        batch.Execute();
        return (await entry, await Task.WhenAll(reads));
    }

    /// <summary>One MGET per slot group on the batch, in the groups' order.</summary>
    private static List<Task<RedisValue[]>> QueueStampReads(IBatch batch, List<(List<RedisKey> Keys, List<int> Indexes)> groups)
    {
        var reads = new List<Task<RedisValue[]>>(groups.Count);
        foreach (var (keys, _) in groups)
        {
            reads.Add(batch.StringGetAsync([.. keys]));
        }

        return reads;
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

        // One script per hash slot (a company's tags share one), the scripts of one node sent together: one round trip,
        // never a cross-slot script on a cluster; each node's batch through its own breaker.
        await EachNodeAsync(
            ByNode(GroupTags(tags).Values.Select(static g => g.Keys), static keys => keys[0]),
            (node, groups) => WriteStampsAsync(node, groups, unixMilliseconds, cancellationToken));
    }

    /// <summary>The slot groups by the node whose breaker guards them (one node on standalone Redis).</summary>
    private List<(RedisNode Node, List<T> Groups)> ByNode<T>(IEnumerable<T> groups, Func<T, RedisKey> route)
    {
        var byNode = new List<(RedisNode Node, List<T> Groups)>(1);
        foreach (var group in groups)
        {
            var node = redis.NodeOf(route(group));
            var i = byNode.FindIndex(n => ReferenceEquals(n.Node, node));
            if (i < 0)
            {
                byNode.Add((node, [group]));
            }
            else
            {
                byNode[i].Groups.Add(group);
            }
        }

        return byNode;
    }

    private Task<int> WriteStampsAsync(RedisNode node, List<List<RedisKey>> groups, long stamp, CancellationToken cancellationToken) =>
        redis.ExecuteAsync(
            "tag-stamps-set",
            node,
            (Groups: groups, Stamp: stamp, Retention: _retentionMs),
            static (db, s) => WriteStampsAsync(db, s.Groups, s.Stamp, s.Retention),
            cancellationToken);

    private static async Task<int> WriteStampsAsync(IDatabase db, List<List<RedisKey>> groups, long stamp, long retention)
    {
        if (groups.Count == 1)
        {
            await db.ScriptEvaluateAsync(MaxStampsScript, [.. groups[0]], [stamp, retention]);
            return 1;
        }

        var batch = db.CreateBatch();
        var writes = new List<Task<RedisResult>>(groups.Count);
        foreach (var keys in groups)
        {
            writes.Add(batch.ScriptEvaluateAsync(MaxStampsScript, [.. keys], [stamp, retention]));
        }

        batch.Execute();
        await Task.WhenAll(writes);
        return groups.Count;
    }

    private async Task ReadStampsAsync(RedisNode node, List<(List<RedisKey> Keys, List<int> Indexes)> groups, long[] stamps, CancellationToken cancellationToken)
    {
        var results = await redis.ExecuteAsync("tag-stamps", node, groups, static (db, g) => ReadStampsAsync(db, g), cancellationToken);
        Fill(groups, results, stamps);
    }

    private static async Task<RedisValue[][]> ReadStampsAsync(IDatabase db, List<(List<RedisKey> Keys, List<int> Indexes)> groups)
    {
        if (groups.Count == 1)
        {
            return [await db.StringGetAsync([.. groups[0].Keys])];
        }

        var batch = db.CreateBatch();
        var reads = QueueStampReads(batch, groups);
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
