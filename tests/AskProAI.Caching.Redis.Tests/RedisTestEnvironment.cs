using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>The Redis the tests use; a test that needs it fails with a clear message when it is missing.</summary>
internal static class RedisTestEnvironment
{
    public const string Variable = "ASKPRO_TEST_REDIS";
    public const string ServerVariable = "ASKPRO_TEST_REDIS_SERVER";

    /// <summary>Gets the shared test Redis ("127.0.0.1:6391"), failing the test when it is not configured or not answering.</summary>
    public static string Configuration
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Assert.False(
                string.IsNullOrWhiteSpace(value),
                $"{Variable} is not set. Start a Redis on loopback and set it, e.g. "
                + $"`redis-server --port 6391 --bind 127.0.0.1 --save \"\" --daemonize yes; export {Variable}=127.0.0.1:6391` (scripts/test.sh does this).");
            var (host, port) = Split(value!);
            Assert.True(
                IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip),
                $"{Variable}={value} must be a loopback address: the tests send traffic to loopback only.");
            Assert.True(Ping(port), $"No Redis answers PING at {Variable}={value}. Start it (see scripts/test.sh).");
            return value!;
        }
    }

    /// <summary>A prefix no other test uses.</summary>
    public static string UniquePrefix() => "askpro-test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    public static RedisConnection Connect(string configuration, string prefix, TimeProvider? time = null, Action<RedisCacheOptions>? configure = null)
    {
        // A generous timeout: these tests are about behaviour, and the 2-core test machine is shared with builds.
        var options = new RedisCacheOptions { Configuration = configuration, Prefix = prefix, OperationTimeout = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        Assert.Empty(options.Validate());
        return new RedisConnection(
            Options.Create(options), time ?? TimeProvider.System, NullLogger<RedisConnection>.Instance, new RedisMetrics(new TestMeterFactory()));
    }

    /// <summary>Sends one command over a raw socket and returns the reply text (for INFO and PING without a client).</summary>
    public static string Command(int port, params string[] args)
    {
        using var client = new TcpClient();
        client.Connect(IPAddress.Loopback, port);
        client.ReceiveTimeout = 2000;
        var stream = client.GetStream();
        var request = new StringBuilder().Append(CultureInfo.InvariantCulture, $"*{args.Length}\r\n");
        foreach (var a in args)
        {
            request.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(a)}\r\n{a}\r\n");
        }

        stream.Write(Encoding.UTF8.GetBytes(request.ToString()));
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            var n = stream.Read(buffer);
            if (n <= 0)
            {
                break;
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var s = text.ToString();
            if (s.StartsWith('$') && s.IndexOf("\r\n", StringComparison.Ordinal) is var eol and > 0)
            {
                var len = int.Parse(s.AsSpan(1, eol - 1), CultureInfo.InvariantCulture);
                if (Encoding.UTF8.GetByteCount(s) >= eol + 2 + len + 2 || len < 0)
                {
                    break;
                }
            }
            else if (s.EndsWith("\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        return text.ToString();
    }

    /// <summary>One PING; callers wait for readiness by an event (the server's log line), not by polling.</summary>
    public static bool Ping(int port)
    {
        try
        {
            return Command(port, "PING").StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }

    public static (string Host, int Port) Split(string configuration)
    {
        var endpoint = configuration.Split(',')[0];
        var colon = endpoint.LastIndexOf(':');
        return colon < 0 ? (endpoint, 6379) : (endpoint[..colon], int.Parse(endpoint[(colon + 1)..], CultureInfo.InvariantCulture));
    }

    /// <summary>Polls a condition with a bounded timeout, instead of sleeping a fixed time.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(25);
        }

        return await condition();
    }

    public static Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan timeout) => EventuallyAsync(() => Task.FromResult(condition()), timeout);
}

/// <summary>A redis-server process of a test's own on a free loopback port, which the test may kill and restart.</summary>
internal sealed class RedisServerProcess : IDisposable
{
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
        var path = Environment.GetEnvironmentVariable(RedisTestEnvironment.ServerVariable);
        if (string.IsNullOrWhiteSpace(path))
        {
            path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator)
                .Select(d => System.IO.Path.Combine(d, "redis-server"))
                .FirstOrDefault(File.Exists);
        }

        Assert.False(
            string.IsNullOrWhiteSpace(path) || !File.Exists(path),
            $"redis-server not found: set {RedisTestEnvironment.ServerVariable} to its path or put it on PATH (apt-get install redis-server).");
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
        Assert.True(RedisTestEnvironment.Ping(Port), $"redis-server on port {Port} did not answer PING.");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Creates meters for tests that construct the Redis layer without a service provider.</summary>
internal sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
{
    private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

    public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
    {
        var meter = new System.Diagnostics.Metrics.Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var m in _meters)
        {
            m.Dispose();
        }
    }
}
