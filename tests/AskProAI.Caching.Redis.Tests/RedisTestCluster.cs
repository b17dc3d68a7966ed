using System.Diagnostics;
using System.Globalization;
using System.Net;
using StackExchange.Redis;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// The test Redis Cluster scripts/test.sh starts (3 masters, 3 replicas on loopback): <c>ASKPRO_TEST_REDIS_CLUSTER</c>
/// lists the nodes, <c>ASKPRO_TEST_REDIS_CLUSTER_DIR</c> holds a folder per port with its redis.conf and pid file, so a
/// test can kill a master and start it again. Tests that need it fail with a clear message when it is missing.
/// </summary>
internal static class RedisTestCluster
{
    public const string Variable = "ASKPRO_TEST_REDIS_CLUSTER";
    public const string DirectoryVariable = "ASKPRO_TEST_REDIS_CLUSTER_DIR";

    /// <summary>Gets the cluster's nodes as a StackExchange.Redis configuration, failing when the cluster is absent or not ok.</summary>
    public static string Configuration
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Assert.False(
                string.IsNullOrWhiteSpace(value),
                $"{Variable} is not set. Start a Redis Cluster of 3 masters and 3 replicas on loopback "
                + "(redis-server --cluster-enabled yes ...; redis-cli --cluster create ... --cluster-replicas 1) and set it; scripts/test.sh does this.");
            foreach (var node in value!.Split(','))
            {
                var (host, _) = RedisTestEnvironment.Split(node);
                Assert.True(IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip), $"{Variable}={value} must list loopback nodes only.");
            }

            Assert.True(
                value.Split(',').Any(n => ClusterInfo(RedisTestEnvironment.Split(n).Port).Contains("cluster_state:ok", StringComparison.Ordinal)),
                $"No node of {Variable}={value} reports cluster_state:ok.");
            return value;
        }
    }

    /// <summary>Returns <c>CLUSTER INFO</c> of a node, or an empty text when it does not answer.</summary>
    public static string ClusterInfo(int port)
    {
        try
        {
            return RedisTestEnvironment.Command(port, "CLUSTER", "INFO");
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            return string.Empty;
        }
    }

    /// <summary>
    /// Returns the port of the master that serves a key's slot as the cluster reports it now, or null while the nodes do
    /// not agree on exactly one healthy master for it (just after a failover or a rejoin): callers ask again through
    /// <see cref="RedisTestEnvironment.EventuallyAsync(Func{Task{bool}}, TimeSpan)"/>.
    /// </summary>
    public static async Task<int?> MasterPortOfAsync(string configuration, RedisKey key)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true; // CLUSTER NODES
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var slot = redis.HashSlot(key);
        var server = redis.GetServers().First(s => s.IsConnected);
        var nodes = await server.ClusterNodesAsync();
        var masters = nodes!.Nodes.Where(n => !n.IsReplica && !n.IsFail && !n.IsPossiblyFail && n.Slots.Any(r => r.From <= slot && slot <= r.To)).ToList();
        return masters.Count == 1 ? ((IPEndPoint)masters[0].EndPoint!).Port : null;
    }

    /// <summary>
    /// Whether every node of the cluster reports the same masters with the same slots (<c>CLUSTER NODES</c>, asked of each):
    /// just after a failover a node that rejoined may still claim its old slots, and a client that asked it routes there.
    /// </summary>
    public static bool NodesAgree(string configuration)
    {
        string? first = null;
        foreach (var node in configuration.Split(','))
        {
            string view;
            try
            {
                view = string.Join(
                    ";",
                    RedisTestEnvironment.Command(RedisTestEnvironment.Split(node).Port, "CLUSTER", "NODES")
                        .Split('\n')
                        .Select(line => line.Split(' '))
                        .Where(f => f.Length > 8 && f[2].Contains("master", StringComparison.Ordinal) && !f[2].Contains("fail", StringComparison.Ordinal))
                        .Select(f => f[1].Split('@')[0] + " " + string.Join(",", f[8..]).Trim())
                        .Order(StringComparer.Ordinal));
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
            {
                return false;
            }

            if ((first ??= view) != view)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the port of the master that serves each key's slot as the cluster reports it now (null for a slot no healthy master serves).</summary>
    public static async Task<int?[]> MasterPortsOfAsync(string configuration, IReadOnlyList<string> keys)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true; // CLUSTER NODES
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var server = redis.GetServers().First(s => s.IsConnected);
        var nodes = await server.ClusterNodesAsync();
        var masters = nodes!.Nodes.Where(n => !n.IsReplica && !n.IsFail && !n.IsPossiblyFail).ToList();
        return [.. keys.Select(key =>
        {
            var slot = redis.HashSlot(key);
            var owners = masters.Where(n => n.Slots.Any(r => r.From <= slot && slot <= r.To)).ToList();
            return owners.Count == 1 ? ((IPEndPoint)owners[0].EndPoint!).Port : (int?)null;
        })];
    }

    /// <summary>Kills a node's process (SIGKILL: no goodbye to the cluster) and returns its port.</summary>
    public static void Kill(int port)
    {
        using var process = Process.GetProcessById(int.Parse(File.ReadAllText(Path.Combine(NodeDirectory(port), "redis.pid")).Trim(), CultureInfo.InvariantCulture));
        process.Kill();
        Assert.True(process.WaitForExit(5000), $"cluster node {port} did not exit.");
    }

    /// <summary>Starts a killed node again from its redis.conf (it rejoins, as a replica once its slots moved).</summary>
    public static void Start(int port)
    {
        var server = Environment.GetEnvironmentVariable(RedisServerProcess.ServerVariable) ?? "redis-server";
        using var process = Process.Start(new ProcessStartInfo(server, Path.Combine(NodeDirectory(port), "redis.conf")) { UseShellExecute = false })!;
        Assert.True(process.WaitForExit(10_000), "redis-server did not daemonize.");
    }

    private static string NodeDirectory(int port)
    {
        var root = Environment.GetEnvironmentVariable(DirectoryVariable);
        Assert.False(string.IsNullOrWhiteSpace(root), $"{DirectoryVariable} is not set (scripts/test.sh sets it beside {Variable}).");
        var dir = Path.Combine(root!, port.ToString(CultureInfo.InvariantCulture));
        Assert.True(File.Exists(Path.Combine(dir, "redis.conf")), $"no redis.conf for cluster node {port} in {root}");
        return dir;
    }
}
