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
}
