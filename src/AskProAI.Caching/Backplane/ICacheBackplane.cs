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

/// <summary>Receives what the backplane hears.</summary>
public interface IBackplaneHandler
{
    /// <summary>Another instance invalidated a tag.</summary>
    void OnRemoteInvalidation(CacheTag tag);

    /// <summary>The backplane was disconnected and may have missed messages.</summary>
    void OnMessagesMayHaveBeenMissed();
}

/// <summary>
/// A lock shared by all instances, so that a cold widget is computed about once across them rather than
/// once per instance. Implementations hold an owner token, release by compare-and-delete, and expire by lease.
/// </summary>
public interface IDistributedWidgetLock
{
    /// <summary>Tries to take the lock for a key; returns null when another owner holds it.</summary>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, int companyId, TimeSpan lease, CancellationToken cancellationToken);
}
