using System.Net;
using System.Net.Http.Json;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.RateLimiting;

/// <summary>
/// Login and webhooks are rate limited per client address (429 ProblemDetails with Retry-After); failed sign-ins lock
/// out a (client, email) pair, never the account, and unknown and existing emails are answered alike.
/// </summary>
public sealed class RateLimitTests(RateLimitTests.Fixture app) : IClassFixture<RateLimitTests.Fixture>
{
    [Fact]
    public async Task Login_OverTheClientsLimit_429WithRetryAfterAndOtherClientsUnaffected()
    {
        using var client = ClientAt("10.0.0.1");
        for (var i = 0; i < Fixture.LoginPermits; i++)
        {
            using var allowed = await client.PostAsJsonAsync("/api/auth/login", new { email = $"spray{i}@example.test", password = "guess" });
            Assert.Equal(HttpStatusCode.Unauthorized, allowed.StatusCode);
        }

        using var refused = await client.PostAsJsonAsync("/api/auth/login", new { email = TestData.Manager1Email, password = TestData.Password });

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        using var other = ClientAt("10.0.0.2");
        using var login = await other.PostAsJsonAsync("/api/auth/login", new { email = TestData.Manager1Email, password = TestData.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Webhooks_OverTheClientsLimit_429()
    {
        using var client = ClientAt("10.0.0.3");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Fixture.WebhooksPerSecond * 3; i++)
        {
            using var response = await client.PostAsync("/webhooks/cache/invalidate", new StringContent("{}"));
            statuses.Add(response.StatusCode);
        }

        // The window is one second: at least the requests beyond two windows' worth were refused.
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    [Fact]
    public async Task FailedSignIns_UnknownAndExistingEmail_SameAnswersAndTheSameLockout()
    {
        using var first = ClientAt("10.0.0.4");
        using var second = ClientAt("10.0.0.7");
        var unknown = await FailUntilLockedAsync(first, "nobody-here@example.test");
        var existing = await FailUntilLockedAsync(second, TestData.Manager2Email);

        Assert.Equal(unknown, existing);
    }

    [Fact]
    public async Task FailedSignIns_LockOnlyTheAttackersPair_TheUserSignsInFromElsewhere()
    {
        using var attacker = ClientAt("10.0.0.5");
        await FailUntilLockedAsync(attacker, TestData.AdminEmail);

        using var stillLocked = await attacker.PostAsJsonAsync("/api/auth/login", new { email = TestData.AdminEmail, password = TestData.Password });
        Assert.Equal(HttpStatusCode.TooManyRequests, stillLocked.StatusCode);
        Assert.True(stillLocked.Headers.Contains("Retry-After"));

        using var user = ClientAt("10.0.0.6");
        using var login = await user.PostAsJsonAsync("/api/auth/login", new { email = TestData.AdminEmail, password = TestData.Password });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);

        // The attacker's pair opens again after the lockout (fake clock), it does not last forever.
        app.Time.Advance(Fixture.SignInLockout + TimeSpan.FromSeconds(1));
        using var later = await attacker.PostAsJsonAsync("/api/auth/login", new { email = TestData.AdminEmail, password = "still-guessing" });
        Assert.Equal(HttpStatusCode.Unauthorized, later.StatusCode);
    }

    /// <summary>Fails until the pair is refused; returns every answer as "status detail", bodies without the trace id.</summary>
    private static async Task<List<string>> FailUntilLockedAsync(HttpClient client, string email)
    {
        var answers = new List<string>();
        for (var i = 0; i < Fixture.MaxFailedSignIns + 1; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "wrong-password" });
            var body = await Json.ReadAsync(response);
            answers.Add($"{(int)response.StatusCode} {body.GetProperty("title").GetString()} {body.GetProperty("detail").GetString()}");
        }

        Assert.StartsWith("401 ", answers[0], StringComparison.Ordinal);
        Assert.StartsWith("429 ", answers[^1], StringComparison.Ordinal);
        return answers;
    }

    private HttpClient ClientAt(string address)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add(Fixture.ClientHeader, address);
        return client;
    }

    /// <summary>Low limits; the test server takes the client address from a test header (it has no sockets).</summary>
    public sealed class Fixture : WritableWebAppFixture
    {
        public const string ClientHeader = "X-Test-Client-Address";
        public const int LoginPermits = 6; // the lockout test sends six from one address
        public const int WebhooksPerSecond = 5;
        public const int MaxFailedSignIns = 3;
        public static readonly TimeSpan SignInLockout = TimeSpan.FromMinutes(15);

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("RateLimits:LoginPermits", LoginPermits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("RateLimits:LoginWindow", "01:00:00");
            builder.UseSetting("RateLimits:WebhooksPerSecond", WebhooksPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("RateLimits:MaxFailedSignIns", MaxFailedSignIns.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("RateLimits:SignInLockout", "00:15:00");
            builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFilter>());
        }

        private sealed class ClientAddressFilter : IStartupFilter
        {
            public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
            {
                app.Use((context, nextMiddleware) =>
                {
                    if (context.Request.Headers[ClientHeader] is { Count: 1 } address)
                    {
                        context.Connection.RemoteIpAddress = IPAddress.Parse(address[0]!);
                    }

                    return nextMiddleware(context);
                });
                next(app);
            };
        }
    }
}
