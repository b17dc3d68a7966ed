using System.Globalization;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// Key layout. Everything of one company shares the hash tag <c>{c:ID}</c>, so it lives in one Redis Cluster
/// slot; tags that are not company-scoped share <c>{g}</c>. No operation ever spans more than those two slots.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>The slot group of tags that are not company-scoped.</summary>
    public const int GlobalGroup = 0;

    /// <summary>
    /// Gets the backplane channel, routed by its hash slot: on a cluster every PUBLISH goes to the node that holds the
    /// instances' subscriptions (the client subscribes there too), so one node orders all messages (ADR 0024's leases
    /// rely on it); unrouted, a PUBLISH went to any node and reached the others over the cluster bus in no common order.
    /// </summary>
    public RedisChannel Channel { get; } = RedisChannel.Literal(prefix + "backplane").WithKeyRouting();

    /// <summary>Gets the channel's name as a key: the node of its slot is the one every backplane PUBLISH goes to (its breaker guards them).</summary>
    public RedisKey ChannelRoute { get; } = prefix + "backplane";

    public string Prefix => prefix;

    /// <summary>The channel on which the other instances acknowledge an instance's invalidations: <c>{prefix}backplane:ack:{id}</c>.</summary>
    public RedisChannel AckChannel(string instanceId) => RedisChannel.Literal(prefix + "backplane:ack:" + instanceId);

    /// <summary><c>{prefix}{c:ID}:{key}</c> for an entry (<c>widget:...</c>) or a lock (<c>lock:widget:...</c>).</summary>
    public RedisKey Company(int companyId, string key) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{{c:{companyId}}}:{key}");

    /// <summary>The key of a tag's stamp and its slot group: the company id, or <see cref="GlobalGroup"/>.</summary>
    public (RedisKey Key, int Group) Tag(string tag)
    {
        // Company-scoped tags (company_data:5, widget:x:5) sit beside the company's entries; unknown text is global.
        if (CacheTag.TryParse(tag, out var parsed, out _) && parsed.IsCompanyScoped)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"{prefix}{{c:{parsed.CompanyId}}}:tag:{tag}"), parsed.CompanyId);
        }

        return (prefix + "{g}:tag:" + tag, GlobalGroup);
    }
}
