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
    public const string ServerVariable = RedisServerProcess.ServerVariable;

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
        Assert.True(new RedisCacheOptionsValidator().Validate(null, options).Succeeded);
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
