using Microsoft.Extensions.Logging;

namespace AskProAI.Caching.Internal;

/// <summary>Every log message of the engine, with fixed event ids. Only widget names and company ids, never values.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Warning, "Slow widget computation: {Widget} for company {CompanyId} took {ElapsedMs:F0} ms")]
    public static partial void SlowComputation(ILogger logger, string widget, int companyId, double elapsedMs);

    [LoggerMessage(1002, LogLevel.Error, "Widget computation failed: {Widget} for company {CompanyId}")]
    public static partial void ComputationFailed(ILogger logger, Exception exception, string widget, int companyId);

    [LoggerMessage(1003, LogLevel.Warning, "Served stale {Widget} for company {CompanyId} after a failed computation ({Error})")]
    public static partial void FailSafeServed(ILogger logger, string widget, int companyId, string error);

    [LoggerMessage(1004, LogLevel.Warning, "Cache layer failed during {Operation}; computing directly")]
    public static partial void CacheLayerFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(1005, LogLevel.Debug, "Not storing {Widget} for company {CompanyId}: invalidated while it was computed")]
    public static partial void StaleWriteBackSkipped(ILogger logger, string widget, int companyId);

    [LoggerMessage(1006, LogLevel.Warning, "Background refresh of {Widget} for company {CompanyId} not queued: the cache queue is full")]
    public static partial void RefreshNotQueued(ILogger logger, string widget, int companyId);

    [LoggerMessage(1007, LogLevel.Error, "Cache queue work {Work} failed")]
    public static partial void QueueWorkFailed(ILogger logger, Exception exception, string work);

    [LoggerMessage(1008, LogLevel.Information, "Cache queue stopping with {Depth} items left")]
    public static partial void QueueStopping(ILogger logger, int depth);

    [LoggerMessage(1009, LogLevel.Error, "A handler of the remote invalidation of {Tag} failed")]
    public static partial void RemoteInvalidationHandlerFailed(ILogger logger, Exception exception, string tag);

    [LoggerMessage(1010, LogLevel.Warning, "Applying a write to {Widget} for company {CompanyId} failed; the value is dropped instead")]
    public static partial void ApplyChangeFailed(ILogger logger, Exception exception, string widget, int companyId);

    [LoggerMessage(1011, LogLevel.Debug, "Served stale {Widget} for company {CompanyId}: its computation passed the soft timeout of {TimeoutMs:F0} ms and goes on")]
    public static partial void SoftTimeoutServedStale(ILogger logger, string widget, int companyId, double timeoutMs);

    [LoggerMessage(1012, LogLevel.Warning, "Widget computation {Widget} for company {CompanyId} passed its hard timeout of {TimeoutMs:F0} ms: the caller got a timeout error, the computation goes on")]
    public static partial void HardTimeout(ILogger logger, string widget, int companyId, double timeoutMs);

    [LoggerMessage(1020, LogLevel.Warning, "The work run before an invalidation was announced failed; the invalidation goes on and the other instances compute the value themselves")]
    public static partial void BeforeAnnouncingFailed(ILogger logger, Exception exception);
}
