using System.Net;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>The breakers by node (ADR 0027): which node a call or a connection event concerns, their states, their probes.</summary>
internal sealed partial class RedisConnection
{
    /// <summary>Gets the worst state among the breakers of the nodes that serve slots: Open, else HalfOpen, else Closed.</summary>
    public RedisCircuitState Circuit
    {
        get
        {
            var worst = RedisCircuitState.Closed;
            foreach (var (_, state) in OpenCircuits)
            {
                worst = state == RedisCircuitState.Open || worst == RedisCircuitState.Open ? RedisCircuitState.Open : state;
            }

            return worst;
        }
    }

    public IReadOnlyDictionary<string, RedisCircuitState> OpenCircuits
    {
        get
        {
            var multiplexer = _connecting is { IsCompletedSuccessfully: true } c ? c.Result : null;
            Dictionary<string, RedisCircuitState>? open = null;
            foreach (var node in AllNodes())
            {
                var state = node.Breaker.State;
                if (state != RedisCircuitState.Closed && !Retired(multiplexer, node))
                {
                    (open ??= new(StringComparer.Ordinal))[node.Name] = state;
                }
            }

            return open ?? (IReadOnlyDictionary<string, RedisCircuitState>)System.Collections.Frozen.FrozenDictionary<string, RedisCircuitState>.Empty;
        }
    }

    /// <summary>
    /// Returns the node whose breaker guards calls on <paramref name="route"/>: on a cluster the master that serves its slot
    /// now (a failover moves the slot, and the calls, to a node with a breaker of its own), else the whole connection.
    /// </summary>
    public RedisNode NodeOf(RedisKey route)
    {
        if (_connecting is not { IsCompletedSuccessfully: true } c || !IsCluster(c.Result))
        {
            return _whole;
        }

        try
        {
            return c.Result.GetServer(route).EndPoint is { } endPoint ? Node(endPoint) : _whole;
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            return _whole; // no node known for the slot yet: the call itself fails fast and counts there
        }
    }

    /// <summary>Returns the breaker's node of a cluster endpoint, or null on standalone Redis or for an unknown endpoint.</summary>
    public RedisNode? ClusterNode(EndPoint? endPoint) =>
        endPoint is not null && _connecting is { IsCompletedSuccessfully: true } c && IsCluster(c.Result) ? Node(endPoint) : null;

    /// <summary>Returns the endpoint whose subscription connection carries <paramref name="channel"/>, or null when not known.</summary>
    public EndPoint? SubscribedEndPoint(RedisChannel channel)
    {
        try
        {
            return _connecting is { IsCompletedSuccessfully: true } c ? c.Result.GetSubscriber().SubscribedEndpoint(channel) : null;
        }
        catch (Exception ex) when (ex is RedisException or InvalidOperationException)
        {
            return null;
        }
    }

    private IEnumerable<RedisNode> AllNodes()
    {
        yield return _whole;
        foreach (var (_, node) in _nodes)
        {
            yield return node;
        }
    }

    private bool AnyNotClosed() => AllNodes().Any(n => n.Breaker.State != RedisCircuitState.Closed);

    private RedisNode Node(EndPoint endPoint) =>
        _nodes.GetOrAdd(
            endPoint,
            static (e, self) => new RedisNode(EndPointText(e), e, new CircuitBreaker(self._options.BreakerFailureThreshold, self._options.BreakerOpenDuration, self._time)),
            this);

    /// <summary>The breaker of the node a connection event names: its own on a cluster, the whole connection's otherwise.</summary>
    private RedisNode NodeOfEvent(IConnectionMultiplexer? multiplexer, EndPoint? endPoint) =>
        endPoint is not null && multiplexer is not null && IsCluster(multiplexer) ? Node(endPoint) : _whole;

    /// <summary>Whether the multiplexer talks to a Redis Cluster; unknown (false, asked again) until a node answered.</summary>
    private bool IsCluster(IConnectionMultiplexer multiplexer)
    {
        var known = Volatile.Read(ref _cluster);
        if (known != 0)
        {
            return known == 1;
        }

        foreach (var server in multiplexer.GetServers())
        {
            if (server.IsConnected)
            {
                var cluster = server.ServerType == ServerType.Cluster;
                Volatile.Write(ref _cluster, cluster ? 1 : 2);
                return cluster;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a cluster node serves no slot now (a replica took over its slots, or it came back as a replica): no call
    /// goes through its breaker any more, so its state says nothing about the cache. Asked only of breakers not closed.
    /// </summary>
    private static bool Retired(IConnectionMultiplexer? multiplexer, RedisNode node)
    {
        if (node.EndPoint is null || multiplexer is null)
        {
            return false;
        }

        foreach (var server in multiplexer.GetServers())
        {
            if (server.IsConnected && server.ClusterConfiguration is { } configuration)
            {
                return configuration[node.EndPoint] is not { IsReplica: false, Slots.Count: > 0 };
            }
        }

        return false;
    }

    /// <summary>
    /// An open circuit closes only through a call, and an instance serving everything from L1 makes none: after a stall
    /// (no reconnect, so no <c>ConnectionRestored</c>) it would stay open and report Degraded long after Redis answers
    /// again. So while a circuit is not closed and its node is connected, a PING goes through it every open period (to
    /// that node on a cluster). A cluster node that serves no slot any more loses its breaker instead.
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
                while (Volatile.Read(ref _disposed) == 0 && AnyNotClosed())
                {
                    await Task.Delay(_options.BreakerOpenDuration, _time);
                    if (_connecting is not { IsCompletedSuccessfully: true } c || !c.Result.IsConnected)
                    {
                        continue; // disconnected: ConnectionRestored closes the circuit
                    }

                    foreach (var node in AllNodes().Where(n => n.Breaker.State != RedisCircuitState.Closed).ToList())
                    {
                        await ProbeAsync(c.Result, node);
                    }
                }
            }
            finally
            {
                Volatile.Write(ref _probing, 0);
            }

            // A circuit may have opened again between the last check and the reset above.
            if (Volatile.Read(ref _disposed) == 0 && AnyNotClosed())
            {
                StartProbing();
            }
        });
    }

    private async Task ProbeAsync(IConnectionMultiplexer multiplexer, RedisNode node)
    {
        try
        {
            if (node.EndPoint is null)
            {
                await ExecuteAsync("ping", node, 0, static (db, _) => db.PingAsync(), CancellationToken.None);
                return;
            }

            if (Retired(multiplexer, node))
            {
                if (_nodes.TryRemove(new KeyValuePair<EndPoint, RedisNode>(node.EndPoint, node)))
                {
                    Log.CircuitRetired(_logger, node.Name);
                }

                return;
            }

            var server = multiplexer.GetServer(node.EndPoint);
            if (server.IsConnected)
            {
                await ExecuteAsync("ping", node, server, static (_, s) => s.PingAsync(), CancellationToken.None);
            }
        }
        catch (Exception)
        {
            // Counted and logged by ExecuteAsync, or rejected while another call is the probe: next period.
        }
    }
}
