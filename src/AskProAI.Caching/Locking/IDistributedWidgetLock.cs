namespace AskProAI.Caching;

/// <summary>
/// A lock shared by all instances, so that a cold widget is computed about once across them rather than
/// once per instance. Implementations hold an owner token, release by compare-and-delete, and expire by lease.
/// </summary>
public interface IDistributedWidgetLock
{
    /// <summary>Tries to take the lock for a key; returns null when another owner holds it.</summary>
    ValueTask<IAsyncDisposable?> TryAcquireAsync(string key, int companyId, TimeSpan lease, CancellationToken cancellationToken);
}
