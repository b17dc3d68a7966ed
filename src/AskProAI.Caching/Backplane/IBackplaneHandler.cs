namespace AskProAI.Caching;

/// <summary>Receives what the backplane hears.</summary>
public interface IBackplaneHandler
{
    /// <summary>Another instance invalidated a tag.</summary>
    void OnRemoteInvalidation(CacheTag tag);

    /// <summary>Another instance invalidated several tags together (one message); by default, each in turn.</summary>
    void OnRemoteInvalidations(IReadOnlyList<CacheTag> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            OnRemoteInvalidation(tag);
        }
    }

    /// <summary>The backplane was disconnected and may have missed messages.</summary>
    void OnMessagesMayHaveBeenMissed();

    /// <summary>
    /// A part of the shared store failed (a Redis Cluster master), not the backplane: no message was missed, but the
    /// invalidations of the companies <paramref name="companies"/> selects may not have been announced (their writers could
    /// not store the stamps, so they keep them for redelivery). By default, as <see cref="OnMessagesMayHaveBeenMissed"/>.
    /// </summary>
    void OnCompaniesMayBeStale(Func<int, bool> companies) => OnMessagesMayHaveBeenMissed();

    /// <summary>
    /// The backplane's lease on this instance's memory (ADR 0024): every message published until a recent moment has been
    /// applied here, so entries may be served from memory for <paramref name="validFor"/> from now, and not after, until
    /// the next call. <see cref="TimeSpan.Zero"/>: not until the next call. A backplane that grants leases calls it with
    /// zero when it subscribes; one that never calls it leaves memory served freely. By default, ignored.
    /// </summary>
    void OnLease(TimeSpan validFor)
    {
    }
}
