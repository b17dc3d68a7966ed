using System.Net;
using System.Text.Json;
using AskProAI.Caching.Redis.Tests;
using Microsoft.AspNetCore.Hosting;

namespace AskProAI.Web.Tests.Infrastructure.Health;

/// <summary><c>/health</c> as documented: JSON with each check's state and, for Redis, the circuit state and the last error.</summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Health_Embedded_IsJsonWithTheDatabaseCheckOnly()
    {
        await using var app = new WebAppFixture();
        await app.InitializeAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await Json.ReadAsync(response);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.False(checks.TryGetProperty("redis", out _));
    }

    [Fact]
    public async Task Health_RedisKilled_DegradedWithCircuitAndLastError_ThenHealthyWithCircuitClosed()
    {
        using var server = RedisServerProcess.Start();
        await using var app = new RedisHost(server.Configuration);
        await app.InitializeAsync();
        using var client = app.CreateClient();

        var up = await HealthAsync(client);
        Assert.Equal("Healthy", up.GetProperty("status").GetString());
        var redisUp = up.GetProperty("checks").GetProperty("redis");
        Assert.Equal("Healthy", redisUp.GetProperty("status").GetString());
        Assert.Equal("Closed", redisUp.GetProperty("circuit").GetString());

        server.Kill();
        JsonElement down = default;
        Assert.True(
            await Eventually.TrueAsync(
                async () => (down = await HealthAsync(client)).GetProperty("status").GetString() == "Degraded"
                    && down.GetProperty("checks").GetProperty("redis").GetProperty("circuit").GetString() != "Closed",
                TimeSpan.FromSeconds(20)),
            "/health did not turn Degraded with the circuit open after Redis was killed.");
        // The circuit is reported as it is: a killed connection trips it at once (Open, HalfOpen after the open period).
        var redisDown = down.GetProperty("checks").GetProperty("redis");
        Assert.Equal("Degraded", redisDown.GetProperty("status").GetString());
        var open = Assert.Single(redisDown.GetProperty("openCircuits").EnumerateObject()); // standalone: the one node's breaker
        Assert.Equal((server.Configuration, redisDown.GetProperty("circuit").GetString()), (open.Name, open.Value.GetString()));
        Assert.False(string.IsNullOrWhiteSpace(redisDown.GetProperty("lastError").GetString()));
        Assert.True(redisDown.GetProperty("lastErrorAt").GetDateTimeOffset() > DateTimeOffset.MinValue);
        Assert.Equal("Healthy", down.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());

        server.Restart();
        Assert.True(
            await Eventually.TrueAsync(
                async () => (await HealthAsync(client)).GetProperty("checks").GetProperty("redis").GetProperty("circuit").GetString() == "Closed"
                    && (await HealthAsync(client)).GetProperty("status").GetString() == "Healthy",
                TimeSpan.FromSeconds(20)),
            "/health did not turn Healthy with the circuit closed after Redis came back.");
        Assert.False((await HealthAsync(client)).GetProperty("checks").GetProperty("redis").TryGetProperty("openCircuits", out _));
    }

    private static async Task<JsonElement> HealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // Degraded still serves: not a 503
        return await Json.ReadAsync(response);
    }

    /// <summary>One instance on SQLite in distributed mode over a redis-server of its own, failing fast and reconnecting quickly.</summary>
    private sealed class RedisHost(string redis) : WebAppFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Cache:Redis:Configuration", redis);
            builder.UseSetting("Cache:Redis:Prefix", "askpro-health-test-" + Guid.NewGuid().ToString("N")[..12] + ":");
            builder.UseSetting("Cache:Redis:OperationTimeout", "00:00:01");
            builder.UseSetting("Cache:Redis:BreakerFailureThreshold", "2");
            builder.UseSetting("Cache:Redis:BreakerOpenDuration", "00:00:00.500");
            builder.UseSetting("Cache:Redis:ReconnectMaxBackoff", "00:00:00.500");
            builder.UseSetting("Cache:Warm:Enabled", "false");
        }
    }
}
