using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// The one <see cref="IConnectionMultiplexer"/> of a service provider (its own, or the application's when
/// <see cref="ApplicationMultiplexer"/> is registered), and the circuit breakers every Redis call goes through. Calls fail
/// fast (<see cref="RedisCacheUnavailableException"/>) while their breaker is open, and time out after
/// <see cref="RedisCacheOptions.OperationTimeout"/>: the engine treats both as a miss and computes directly. Reconnection
/// is automatic (AbortOnConnectFail=false).
/// <para>
/// One breaker per node (ADR 0027): on a Redis Cluster a call goes through the breaker of the master that serves its
/// key's slot (<see cref="IConnectionMultiplexer.GetServer(RedisKey, object?, CommandFlags)"/>, the client's own routing),
/// so a dead or stalled master sends only its own slots' companies to the database; on standalone Redis, before the
/// cluster's slot map is known, and for calls no key routes, one breaker guards the whole connection, as before.
/// </para>
/// </summary>
internal sealed partial class RedisConnection : IRedisCacheHealth, IAsyncDisposable, IDisposable
{
    private readonly RedisCacheOptions _options;
    private readonly ILogger _logger;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly RedisNode _whole;
    private readonly ConcurrentDictionary<EndPoint, RedisNode> _nodes = new();
    private readonly Lock _startGate = new();
    private readonly ApplicationMultiplexer? _application;
    private Task<IConnectionMultiplexer>? _connecting;
    private string? _lastError;
    private long _lastErrorTicks;
    private int _disposed;
    private int _failedConnections;
    private int _probing;
    private int _cluster;

    public RedisConnection(
        IOptions<RedisCacheOptions> options,
        TimeProvider time,
        ILogger<RedisConnection> logger,
        RedisMetrics metrics,
        ApplicationMultiplexer? application = null)
    {
        _application = application;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _whole = new RedisNode(
            string.Join(",", _options.CreateConfigurationOptions().EndPoints.Select(EndPointText)),
            null,
            new CircuitBreaker(_options.BreakerFailureThreshold, _options.BreakerOpenDuration, time));
        Keys = new RedisKeys(_options.Prefix);
    }

    /// <summary>Raised after a connection failed and its breaker was opened: which connection (interactive or subscription) of which endpoint.</summary>
    public event Action<ConnectionType, EndPoint?>? Failed;

    /// <summary>Raised after a connection came back and its breaker was closed.</summary>
    public event Action<ConnectionType, EndPoint?>? Restored;

    /// <summary>Gets this instance's random id, carried by its backplane messages.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public RedisKeys Keys { get; }

    public RedisCacheOptions Options => _options;

    /// <summary>Gets the clock of the breaker and the timeouts (the backplane's heartbeats and acknowledgement waits use it too).</summary>
    public TimeProvider Time => _time;

    public RedisHealthStatus Status =>
        _connecting is { IsCompletedSuccessfully: true } c && c.Result.IsConnected && OpenCircuits.Count == 0
            ? RedisHealthStatus.Healthy
            : RedisHealthStatus.Degraded;

    public string? LastError => Volatile.Read(ref _lastError);

    public DateTimeOffset? LastErrorAt => Interlocked.Read(ref _lastErrorTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>Returns the multiplexer, connecting on first use; waits at most the connect timeout.</summary>
    public Task<IConnectionMultiplexer> GetMultiplexerAsync(CancellationToken cancellationToken)
    {
        var connecting = Volatile.Read(ref _connecting) ?? Start();
        return connecting.IsCompletedSuccessfully
            ? connecting
            : connecting.WaitAsync(_options.ConnectTimeout + _options.OperationTimeout, _time, cancellationToken);
    }

    /// <summary>Runs one Redis call that no key routes (a PING, a PUBLISH on an unrouted channel) through the whole connection's breaker.</summary>
    public Task<T> ExecuteAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> call, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, _whole, state, call, cancellationToken);

    /// <summary>Runs one Redis call on the node that serves <paramref name="route"/>'s slot, through that node's breaker.</summary>
    public Task<T> ExecuteAsync<TState, T>(string operation, RedisKey route, TState state, Func<IDatabase, TState, Task<T>> call, CancellationToken cancellationToken) =>
        ExecuteAsync(operation, NodeOf(route), state, call, cancellationToken);

    /// <summary>Runs one Redis call through <paramref name="node"/>'s breaker and the operation timeout.</summary>
    public async Task<T> ExecuteAsync<TState, T>(string operation, RedisNode node, TState state, Func<IDatabase, TState, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(RedisConnection));
        }

        var breaker = node.Breaker;
        if (!breaker.TryEnter(out var probe))
        {
            _metrics.Rejected(operation);
            throw new RedisCacheUnavailableException($"Redis circuit of {node.Name} is open: {operation} was not attempted.");
        }

        try
        {
            var multiplexer = await GetMultiplexerAsync(cancellationToken);
            var result = await call(multiplexer.GetDatabase(), state).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            if (breaker.OnSuccess())
            {
                Log.CircuitClosed(_logger, node.Name);
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            breaker.OnAbandoned(probe);
            throw;
        }
        catch (Exception ex) when (IsUnavailability(ex))
        {
            RecordFailure(node, operation, ex);
            throw;
        }
        catch (Exception)
        {
            // Redis answered (a script or type error): the connection is fine, so the breaker sees a success.
            breaker.OnSuccess();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_connecting is { IsCompletedSuccessfully: true } c)
        {
            Unhook(c.Result);
            if (_application is null)
            {
                // The application's multiplexer is the application's to close.
                await c.Result.CloseAsync(allowCommandsToComplete: false);
                await c.Result.DisposeAsync();
            }
        }
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static bool IsUnavailability(Exception ex) =>
        ex is RedisConnectionException or RedisTimeoutException or TimeoutException or IOException or System.Net.Sockets.SocketException
            or ObjectDisposedException;

    private void RecordFailure(RedisNode node, string operation, Exception ex)
    {
        _metrics.Failure(operation);
        SetLastError(ex);
        Log.OperationFailed(_logger, ex, operation);
        var opened = node.Breaker.OnFailure();
        if (opened > 0)
        {
            OnCircuitOpened(node, opened);
        }
    }

    private void OnCircuitOpened(RedisNode node, int failures)
    {
        Log.CircuitOpened(_logger, node.Name, failures, _options.BreakerOpenDuration.TotalMilliseconds);
        StartProbing();
    }

    private void SetLastError(Exception? ex)
    {
        var text = ex is null ? "not connected; reconnecting in the background" : $"{ex.GetType().Name}: {ex.Message}";
        Volatile.Write(ref _lastError, text.Length > 300 ? text[..300] : text);
        Interlocked.Exchange(ref _lastErrorTicks, _time.GetUtcNow().UtcTicks);
    }

    private Task<IConnectionMultiplexer> Start()
    {
        lock (_startGate)
        {
            if (_connecting is { IsFaulted: false, IsCanceled: false } existing)
            {
                return existing;
            }

            var task = ConnectAsync();
            Volatile.Write(ref _connecting, task);
            return task;
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var config = _options.CreateConfigurationOptions();
        config.ClientName ??= "askpro-" + InstanceId[..8];
        Log.Connecting(_logger, string.Join(",", config.EndPoints.Select(e => e.ToString())));
        try
        {
            var multiplexer = _application is null
                ? await ConnectionMultiplexer.ConnectAsync(config)
                : await Task.Run(_application.Get); // the application builds it, possibly synchronously
            multiplexer.ConnectionFailed += OnConnectionFailed;
            multiplexer.ConnectionRestored += OnConnectionRestored;
            if (!multiplexer.IsConnected)
            {
                // Failures during the first attempt happened before the events were hooked: count them as failed.
                Interlocked.Or(ref _failedConnections, FailedBit(ConnectionType.Interactive) | FailedBit(ConnectionType.Subscription));
                SetLastError(null);
            }

            return multiplexer;
        }
        catch (Exception ex)
        {
            SetLastError(ex);
            throw;
        }
    }

    private void Unhook(IConnectionMultiplexer multiplexer)
    {
        multiplexer.ConnectionFailed -= OnConnectionFailed;
        multiplexer.ConnectionRestored -= OnConnectionRestored;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        Interlocked.Or(ref _failedConnections, FailedBit(e.ConnectionType));
        _metrics.ConnectionEvent("failed");
        SetLastError(e.Exception);
        Log.ConnectionFailed(_logger, e.Exception, e.ConnectionType.ToString(), EndPointText(e.EndPoint), e.FailureType.ToString());
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            var node = NodeOfEvent(sender as IConnectionMultiplexer, e.EndPoint);
            var opened = node.Breaker.Trip();
            if (opened > 0)
            {
                OnCircuitOpened(node, opened);
            }
        }

        Failed?.Invoke(e.ConnectionType, e.EndPoint);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        // The client also reports a connection's first establishment (the subscription connection opens lazily);
        // only a connection that failed before is a restoration that may have missed messages.
        var bit = FailedBit(e.ConnectionType);
        if ((Interlocked.And(ref _failedConnections, ~bit) & bit) == 0)
        {
            return;
        }

        _metrics.ConnectionEvent("restored");
        Log.ConnectionRestored(_logger, e.ConnectionType.ToString(), EndPointText(e.EndPoint));
        if (e.ConnectionType != ConnectionType.Subscription && NodeOfEvent(sender as IConnectionMultiplexer, e.EndPoint) is var node && node.Breaker.OnSuccess())
        {
            // The handshake succeeded, so calls go through again at once (redelivered invalidations first).
            Log.CircuitClosed(_logger, node.Name);
        }

        Restored?.Invoke(e.ConnectionType, e.EndPoint);
    }

    private static int FailedBit(ConnectionType type) => type == ConnectionType.Subscription ? 2 : 1;

    private static string EndPointText(EndPoint? endPoint) => endPoint switch
    {
        null => "?",
        DnsEndPoint dns => dns.Host + ":" + dns.Port.ToString(CultureInfo.InvariantCulture),
        _ => endPoint.ToString() ?? "?",
    };

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
