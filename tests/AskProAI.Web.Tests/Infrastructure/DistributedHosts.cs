using System.Diagnostics;
using System.Globalization;
using System.Net;
using AskProAI.Caching;
using AskProAI.Caching.Redis;
using AskProAI.Caching.Redis.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// Two service instances as behind a load balancer: one PostgreSQL database (fresh, seeded with <see cref="TestData"/>)
/// and one Redis (a key prefix of their own), each host with its own service provider — its own L1, multiplexer and
/// backplane instance id — and one shared clock that starts at <see cref="TestData.Now"/> and runs.
/// </summary>
public class TwoHostsFixture : IAsyncLifetime
{
    private PostgreSqlTestDatabase? _database;

    public DistributedHost A { get; private set; } = null!;

    public DistributedHost B { get; private set; } = null!;

    /// <summary>Gets the clock both hosts read (a running one: Redis timeouts, the breaker and the lock need time to pass).</summary>
    public RunningClock Clock { get; } = new(TestData.Now);

    /// <summary>Gets the key prefix of both hosts, which no other test uses.</summary>
    public string Prefix { get; } = "askpro-web-test-" + Guid.NewGuid().ToString("N")[..12] + ":";

    public string RedisConfiguration { get; private set; } = string.Empty;

    public virtual async Task InitializeAsync()
    {
        RedisConfiguration = StartRedis();
        _database = await PostgreSqlTestDatabase.CreateAsync();

        // One after the other: A migrates the new database, and B starts on it as a second instance would.
        A = new DistributedHost(this, _database.ConnectionString);
        _ = A.Services;
        await TestData.SeedAsync(A.Services);
        B = new DistributedHost(this, _database.ConnectionString);
        _ = B.Services;

        // The engine subscribes when it is built; a publish made before both subscriptions are confirmed would be lost.
        _ = A.Services.GetRequiredService<IWidgetCache>();
        _ = B.Services.GetRequiredService<IWidgetCache>();
        Assert.True(
            await Eventually.TrueAsync(async () => await TestRedis.SubscribersAsync(RedisConfiguration, Prefix) == 2, TimeSpan.FromSeconds(20)),
            "The two hosts did not both subscribe to the backplane channel.");
    }

    public virtual async Task DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    /// <summary>Returns the Redis both hosts use; the shared test Redis unless overridden.</summary>
    protected virtual string StartRedis() => TestRedis.Configuration;

    /// <summary>Sets Redis options of both hosts beyond the connection and the prefix.</summary>
    protected internal virtual void ConfigureRedis(IWebHostBuilder builder) =>
        // Generous: these tests are about behaviour on a loaded 2-core machine, not about fail-fast timing.
        builder.UseSetting("Cache:Redis:OperationTimeout", "00:00:02");
}

/// <summary>
/// <see cref="TwoHostsFixture"/> over a redis-server of its own (from <c>ASKPRO_TEST_REDIS_SERVER</c>) that a test may
/// kill and restart on the same port; the hosts fail fast and reconnect quickly (as in the Redis fault tests).
/// </summary>
public sealed class TwoHostsPrivateRedisFixture : TwoHostsFixture
{
    public RedisServerProcess Server { get; private set; } = null!;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Server?.Dispose();
    }

    protected override string StartRedis()
    {
        Server = RedisServerProcess.Start();
        return Server.Configuration;
    }

    protected internal override void ConfigureRedis(IWebHostBuilder builder)
    {
        builder.UseSetting("Cache:Redis:OperationTimeout", "00:00:01");
        builder.UseSetting("Cache:Redis:BreakerFailureThreshold", "2");
        builder.UseSetting("Cache:Redis:BreakerOpenDuration", "00:00:00.500");
        builder.UseSetting("Cache:Redis:ReconnectMaxBackoff", "00:00:00.500");
    }
}

/// <summary>
/// One service instance of a <see cref="TwoHostsFixture"/>: PostgreSQL, distributed mode on the fixture's Redis,
/// webhook secrets, the fixture's running clock (not <see cref="WebAppFixture.Time"/>), no scheduled warming.
/// </summary>
public sealed class DistributedHost : WebAppFixture
{
    private readonly TwoHostsFixture _hosts;
    private readonly string _connectionString;

    internal DistributedHost(TwoHostsFixture hosts, string connectionString)
        : base(TestDatabaseProvider.PostgreSql)
    {
        _hosts = hosts;
        _connectionString = connectionString;
    }

    /// <summary>Gets the computations of a widget counted by this host's engine.</summary>
    public long ComputationsOf(string widget) =>
        Services.GetRequiredService<IWidgetCache>().GetStatistics().Widgets.Single(w => w.Widget == widget).Computations;

    /// <summary>Gets the state of this host's Redis connection, for failure messages.</summary>
    public string RedisState
    {
        get
        {
            var health = Services.GetRequiredService<IRedisCacheHealth>();
            return $"{health.Status}, circuit {health.Circuit}, last error at {health.LastErrorAt:HH:mm:ss.fff}: {health.LastError}";
        }
    }

    /// <summary>Gets the overall status of the <c>/health</c> answer: Healthy, Degraded or Unhealthy.</summary>
    public async Task<string> HealthAsync()
    {
        using var client = CreateClient();
        using var response = await client.GetAsync("/health");
        return (await Json.ReadAsync(response)).GetProperty("status").GetString()!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SignedWebhooks.Configure(builder);
        builder.UseSetting("Cache:Redis:Configuration", _hosts.RedisConfiguration);
        builder.UseSetting("Cache:Redis:Prefix", _hosts.Prefix);
        builder.UseSetting("Cache:Warm:Enabled", "false");
        _hosts.ConfigureRedis(builder);
    }

    protected override void ConfigureDatabase(IWebHostBuilder builder) => UsePostgreSql(builder, _connectionString);

    protected override void ConfigureClock(IServiceCollection services) => services.AddSingleton<TimeProvider>(_hosts.Clock);
}

/// <summary>A clock that starts at a given instant and runs at the system clock's pace; timers are the system's.</summary>
public sealed class RunningClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}

/// <summary>The shared test Redis (<c>ASKPRO_TEST_REDIS</c>), and what the tests ask Redis directly.</summary>
internal static class TestRedis
{
    public const string Variable = "ASKPRO_TEST_REDIS";

    /// <summary>Gets the shared test Redis ("127.0.0.1:6391"), failing the test when it is not configured or not answering.</summary>
    public static string Configuration
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            Assert.False(
                string.IsNullOrWhiteSpace(value),
                $"{Variable} is not set. Start a Redis on loopback and set it, e.g. `redis-server --port 6391 --bind 127.0.0.1 "
                + $"--save \"\" --daemonize yes; export {Variable}=127.0.0.1:6391` (scripts/test.sh does this).");
            var endpoint = value!.Split(',')[0];
            var colon = endpoint.LastIndexOf(':');
            var port = 0;
            Assert.True(
                colon > 0 && IPAddress.TryParse(endpoint[..colon], out var ip) && IPAddress.IsLoopback(ip)
                    && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port),
                $"{Variable}={value} must be a loopback host:port: the tests send traffic to loopback only.");
            Assert.True(RedisServerProcess.Ping(port), $"No Redis answers PING at {Variable}={value}. Start it (see scripts/test.sh).");
            return value;
        }
    }

    /// <summary>The number of clients subscribed to the backplane channel of a prefix (<c>PUBSUB NUMSUB</c>).</summary>
    public static async Task<long> SubscribersAsync(string configuration, string prefix)
    {
        await using var redis = await ConnectAsync(configuration);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        return await server.SubscriptionSubscriberCountAsync(RedisChannel.Literal(prefix + "backplane"));
    }

    /// <summary>The stamp of a company-scoped tag as stored in Redis, or null when there is none.</summary>
    public static async Task<long?> StampAsync(string configuration, string prefix, int companyId, CacheTag tag)
    {
        await using var redis = await ConnectAsync(configuration);
        var value = await redis.GetDatabase().StringGetAsync(string.Create(CultureInfo.InvariantCulture, $"{prefix}{{c:{companyId}}}:tag:{tag}"));
        return value.HasValue ? (long)value : null;
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.ConnectTimeout = 2000;
        options.AbortOnConnectFail = true;
        return ConnectionMultiplexer.ConnectAsync(options);
    }
}

/// <summary>Waits on a condition with a generous bound instead of sleeping a fixed time.</summary>
internal static class Eventually
{
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
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
}
