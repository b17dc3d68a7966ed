using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// The one <see cref="IConnectionMultiplexer"/> of a service provider (its own, or the application's when
/// <see cref="ApplicationMultiplexer"/> is registered), and the circuit breaker every Redis call goes through. Calls fail fast (<see cref="RedisCacheUnavailableException"/>) while the circuit is open, and
/// time out after <see cref="RedisCacheOptions.OperationTimeout"/>: the engine treats both as a miss and
/// computes directly. Reconnection is automatic (AbortOnConnectFail=false).
/// </summary>
internal sealed class RedisConnection : IRedisCacheHealth, IAsyncDisposable, IDisposable
{
    private readonly RedisCacheOptions _options;
    private readonly ILogger _logger;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly CircuitBreaker _breaker;
    private readonly Lock _startGate = new();
    private readonly ApplicationMultiplexer? _application;
    private Task<IConnectionMultiplexer>? _connecting;
    private string? _lastError;
    private long _lastErrorTicks;
    private int _disposed;
    private int _failedConnections;
    private int _probing;

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
        _breaker = new CircuitBreaker(_options.BreakerFailureThreshold, _options.BreakerOpenDuration, time);
        Keys = new RedisKeys(_options.Prefix);
    }

    /// <summary>Raised after a connection failed and the breaker was opened; the argument says whether it was the subscription connection.</summary>
    public event Action<ConnectionType>? Failed;

    /// <summary>Raised after a connection came back and the breaker was closed.</summary>
    public event Action<ConnectionType>? Restored;

    /// <summary>Gets this instance's random id, carried by its backplane messages.</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N");

    public RedisKeys Keys { get; }

    public RedisCacheOptions Options => _options;

    /// <summary>Gets the clock of the breaker and the timeouts (the backplane's heartbeats and acknowledgement waits use it too).</summary>
    public TimeProvider Time => _time;

    public RedisHealthStatus Status =>
        _connecting is { IsCompletedSuccessfully: true } c && c.Result.IsConnected && _breaker.State == RedisCircuitState.Closed
            ? RedisHealthStatus.Healthy
            : RedisHealthStatus.Degraded;

    public RedisCircuitState Circuit => _breaker.State;

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

    /// <summary>Runs one Redis call through the breaker and the operation timeout.</summary>
    public async Task<T> ExecuteAsync<TState, T>(string operation, TState state, Func<IDatabase, TState, Task<T>> call, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new ObjectDisposedException(nameof(RedisConnection));
        }

        if (!_breaker.TryEnter(out var probe))
        {
            _metrics.Rejected(operation);
            throw new RedisCacheUnavailableException($"Redis circuit is open: {operation} was not attempted.");
        }

        try
        {
            var multiplexer = await GetMultiplexerAsync(cancellationToken);
            var result = await call(multiplexer.GetDatabase(), state).WaitAsync(_options.OperationTimeout, _time, cancellationToken);
            if (_breaker.OnSuccess())
            {
                Log.CircuitClosed(_logger);
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _breaker.OnAbandoned(probe);
            throw;
        }
        catch (Exception ex) when (IsUnavailability(ex))
        {
            RecordFailure(operation, ex);
            throw;
        }
        catch (Exception)
        {
            // Redis answered (a script or type error): the connection is fine, so the breaker sees a success.
            _breaker.OnSuccess();
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

    private void RecordFailure(string operation, Exception ex)
    {
        _metrics.Failure(operation);
        SetLastError(ex);
        Log.OperationFailed(_logger, ex, operation);
        var opened = _breaker.OnFailure();
        if (opened > 0)
        {
            OnCircuitOpened(opened);
        }
    }

    private void OnCircuitOpened(int failures)
    {
        Log.CircuitOpened(_logger, failures, _options.BreakerOpenDuration.TotalMilliseconds);
        StartProbing();
    }

    /// <summary>
    /// An open circuit closes only through a call, and an instance serving everything from L1 makes none: after a stall
    /// (no reconnect, so no <c>ConnectionRestored</c>) it would stay open and report Degraded long after Redis answers
    /// again. So while the circuit is not closed and the client is connected, a PING goes through it every open period.
    /// </summary>
    private void StartProbing()
    {
        if (Interlocked.CompareExchange(ref _probing, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                while (Volatile.Read(ref _disposed) == 0 && _breaker.State != RedisCircuitState.Closed)
                {
                    await Task.Delay(_options.BreakerOpenDuration, _time);
                    if (_connecting is not { IsCompletedSuccessfully: true } c || !c.Result.IsConnected)
                    {
                        continue; // disconnected: ConnectionRestored closes the circuit
                    }

                    try
                    {
                        await ExecuteAsync("ping", 0, static (db, _) => db.PingAsync(), CancellationToken.None);
                    }
                    catch (Exception)
                    {
                        // Counted and logged by ExecuteAsync, or rejected while another call is the probe: next period.
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }

            // The circuit may have opened again between the last check and the reset above.
            if (Volatile.Read(ref _disposed) == 0 && _breaker.State != RedisCircuitState.Closed)
            {
                StartProbing();
            }
        });
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
            var opened = _breaker.Trip();
            if (opened > 0)
            {
                OnCircuitOpened(opened);
            }
        }

        Failed?.Invoke(e.ConnectionType);
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
        if (e.ConnectionType != ConnectionType.Subscription && _breaker.OnSuccess())
        {
            // The handshake succeeded, so calls go through again at once (redelivered invalidations first).
            Log.CircuitClosed(_logger);
        }

        Restored?.Invoke(e.ConnectionType);
    }

    private static int FailedBit(ConnectionType type) => type == ConnectionType.Subscription ? 2 : 1;

    private static string EndPointText(System.Net.EndPoint? endPoint) => endPoint?.ToString() ?? "?";

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
