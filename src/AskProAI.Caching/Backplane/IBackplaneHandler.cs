namespace AskProAI.Caching;

/// <summary>Receives what the backplane hears.</summary>
public interface IBackplaneHandler
{
    /// <summary>Another instance invalidated a tag.</summary>
    void OnRemoteInvalidation(CacheTag tag);

    /// <summary>The backplane was disconnected and may have missed messages.</summary>
    void OnMessagesMayHaveBeenMissed();
}
