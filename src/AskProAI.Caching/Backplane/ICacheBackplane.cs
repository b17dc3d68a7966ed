namespace AskProAI.Caching;

/// <summary>
/// Carries invalidations between service instances (Redis pub/sub in distributed mode). Messages carry only a
/// tag and the sender's id; an instance ignores its own. Delivery is at most once, so an implementation that
/// lost its connection reports it and the cache treats everything it holds as stale.
/// </summary>
public interface ICacheBackplane
{
    /// <summary>Tells the other instances that a tag was invalidated.</summary>
    ValueTask PublishAsync(CacheTag tag, CancellationToken cancellationToken);

    /// <summary>Starts delivering other instances' invalidations and connection losses to the handler.</summary>
    void Subscribe(IBackplaneHandler handler);
}
