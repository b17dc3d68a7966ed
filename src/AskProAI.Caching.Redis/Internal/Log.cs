using Microsoft.Extensions.Logging;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>Every log message of the Redis layer, with fixed event ids (2000-2999, see docs/architecture.md). Never keys, values or tag text of tenants.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Warning, "Redis connection failed: {ConnectionType} {EndPoint} {FailureType}")]
    public static partial void ConnectionFailed(ILogger logger, Exception? exception, string connectionType, string endPoint, string failureType);

    [LoggerMessage(2002, LogLevel.Information, "Redis connection restored: {ConnectionType} {EndPoint}")]
    public static partial void ConnectionRestored(ILogger logger, string connectionType, string endPoint);

    [LoggerMessage(2003, LogLevel.Warning, "Redis circuit of {Node} opened after {Failures} consecutive failures; its calls fail fast for {OpenMs:F0} ms")]
    public static partial void CircuitOpened(ILogger logger, string node, int failures, double openMs);

    [LoggerMessage(2004, LogLevel.Information, "Redis circuit of {Node} closed: a call succeeded")]
    public static partial void CircuitClosed(ILogger logger, string node);

    [LoggerMessage(2005, LogLevel.Warning, "Redis {Operation} failed")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string operation);

    [LoggerMessage(2006, LogLevel.Warning, "Ignored an unreadable backplane message ({Length} bytes): {Reason}")]
    public static partial void InvalidBackplaneMessage(ILogger logger, int length, string reason);

    [LoggerMessage(2007, LogLevel.Warning, "Ignored an unreadable L2 entry ({Length} bytes): {Reason}")]
    public static partial void InvalidEntry(ILogger logger, int length, string reason);

    [LoggerMessage(2008, LogLevel.Warning, "Backplane subscription failed; retrying")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception);

    [LoggerMessage(2009, LogLevel.Warning, "Releasing a distributed lock failed; it expires with its lease")]
    public static partial void LockReleaseFailed(ILogger logger, Exception exception);

    [LoggerMessage(2010, LogLevel.Information, "Redis connecting to {EndPoints}")]
    public static partial void Connecting(ILogger logger, string endPoints);

    [LoggerMessage(2011, LogLevel.Warning, "Invalidation {Sequence} was not acknowledged by {Missing} of {Awaited} instances within {WaitMs:F0} ms; they may serve it stale until they apply it")]
    public static partial void AcknowledgementTimedOut(ILogger logger, long sequence, int missing, int awaited, double waitMs);

    [LoggerMessage(2012, LogLevel.Information, "Backplane: instance {Peer} joined")]
    public static partial void PeerJoined(ILogger logger, string peer);

    [LoggerMessage(2013, LogLevel.Information, "Backplane: instance {Peer} left ({Reason})")]
    public static partial void PeerLeft(ILogger logger, string peer, string reason);

    [LoggerMessage(2014, LogLevel.Warning, "Invalidation {Sequence} waited {WaitMs:F0} ms for the leases of {Released} of {Awaited} instances to run out: they did not apply it in time and serve no memory copy until they do")]
    public static partial void LeaseWaitedOut(ILogger logger, long sequence, int released, int awaited, double waitMs);

    [LoggerMessage(2015, LogLevel.Warning, "Backplane lease renewed after it had run out for {LapsedMs:F0} ms (message handling or the subscription was late); reads went to L2 meanwhile")]
    public static partial void LeaseRenewedAfterLapse(ILogger logger, double lapsedMs);

    [LoggerMessage(2016, LogLevel.Information, "Redis circuit of {Node} dropped: the node serves no slot any more (a replica took over)")]
    public static partial void CircuitRetired(ILogger logger, string node);

    [LoggerMessage(2026, LogLevel.Warning, "Instance {Peer} sends backplane messages of a later release (rolling upgrade): each one drops this instance's whole memory copy until this instance is upgraded too")]
    public static partial void LaterReleaseHeard(ILogger logger, string peer);
}
