using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AskProAI.Caching.Redis.Tests;

/// <remarks>Shared: the Web tests compile this file too (their two-host outage tests kill and restart a server).</remarks>
/// <summary>A redis-server process of a test's own on a free loopback port, which the test may kill and restart.</summary>
public sealed class RedisServerProcess : IDisposable
{
    /// <summary>The variable naming the redis-server binary (scripts/test.sh sets it).</summary>
    public const string ServerVariable = "ASKPRO_TEST_REDIS_SERVER";

    private Process? _process;

    private RedisServerProcess(string path, int port)
    {
        Path = path;
        Port = port;
    }

    public string Path { get; }

    public int Port { get; }

    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts redis-server (from ASKPRO_TEST_REDIS_SERVER or PATH), failing the test with a clear message when it cannot.</summary>
    public static RedisServerProcess Start()
    {
        var path = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator)
                .Select(d => System.IO.Path.Combine(d, "redis-server"))
                .FirstOrDefault(File.Exists);
        }

        Assert.False(
            string.IsNullOrWhiteSpace(path) || !File.Exists(path),
            $"redis-server not found: set {ServerVariable} to its path or put it on PATH (apt-get install redis-server).");
        var server = new RedisServerProcess(path!, FreePort());
        server.Restart();
        return server;
    }

    public void Restart()
    {
        Assert.False(IsRunning, "The server is already running.");
        var info = new ProcessStartInfo(Path)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "yes" })
        {
            info.ArgumentList.Add(arg);
        }

        // redis-server logs "Ready to accept connections" once it listens: wait for that line, not for time.
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start.");
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("redis-server exited during start-up."));
        _process.EnableRaisingEvents = true;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Assert.True(ready.Task.Wait(TimeSpan.FromSeconds(10)), $"redis-server on port {Port} did not log that it is ready.");
        Assert.True(Ping(Port), $"redis-server on port {Port} did not answer PING.");
    }

    public void Kill()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill();
            Assert.True(p.WaitForExit(5000), "redis-server did not exit.");
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    /// <summary>One PING over a raw socket: whether a Redis answers on the port.</summary>
    public static bool Ping(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            client.ReceiveTimeout = 2000;
            var stream = client.GetStream();
            stream.Write("*1\r\n$4\r\nPING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer);
            return read >= 5 && buffer.AsSpan(0, 5).SequenceEqual("+PONG"u8);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
