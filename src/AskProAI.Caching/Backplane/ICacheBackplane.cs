namespace AskProAI.Caching;

/// <summary>
/// Carries invalidations between service instances (Redis pub/sub in distributed mode). Messages carry the tags
/// and the sender's id; an instance ignores its own. Delivery is at most once, so an implementation that lost its
/// connection reports it and the cache treats everything it holds as stale. A publish may wait until the other
/// instances applied the message (the Redis backplane does, ADR 0023), so that a read anywhere after it sees it.
/// </summary>
public interface ICacheBackplane
{
    /// <summary>Tells the other instances that a tag was invalidated.</summary>
    ValueTask PublishAsync(CacheTag tag, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the other instances that several tags were invalidated together (one write). An implementation sends them
    /// as one message, delivered with <see cref="IBackplaneHandler.OnRemoteInvalidations"/>; this default sends one
    /// message per tag.
    /// </summary>
    async ValueTask PublishAsync(IReadOnlyList<CacheTag> tags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            await PublishAsync(tag, cancellationToken);
        }
    }

    /// <summary>Starts delivering other instances' invalidations and connection losses to the handler.</summary>
    void Subscribe(IBackplaneHandler handler);
}
