using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AskProAI.Data;
using AskProAI.Web.Features.Webhooks;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Webhooks;

/// <summary>
/// Which deliveries are "the same": telephony event ids are scoped per company (unique (CompanyId, EventId), on SQLite
/// and PostgreSQL), a reused id with another body is a 409, a signed cache request is applied once, and a body with a
/// UTF-8 BOM is accepted (signed over the bytes as sent).
/// </summary>
public abstract class WebhookIdentityTests(WritableWebAppFixture app)
{
    [Fact]
    public async Task SameEventIdInTwoCompanies_BothProcessed()
    {
        using var client = app.CreateClient();

        using var first = await SendAsync(client, """{"eventId":"evt-shared-1","type":"call_started","companyId":1,"externalCallId":"tel-shared-1","branchId":11}""");
        using var second = await SendAsync(client, """{"eventId":"evt-shared-1","type":"call_started","companyId":2,"externalCallId":"tel-shared-1","branchId":21}""");

        Assert.Equal("processed", (await Json.ReadAsync(first)).GetProperty("result").GetString());
        Assert.Equal("processed", (await Json.ReadAsync(second)).GetProperty("result").GetString());
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        Assert.Equal([1, 2], await db.Calls.Where(c => c.ExternalId == "tel-shared-1").Select(c => c.CompanyId).OrderBy(c => c).ToListAsync());
    }

    [Fact]
    public async Task SameEventIdSameBody_200Duplicate_DifferentBody_409AndNothingChanged()
    {
        using var client = app.CreateClient();
        const string Body = """{"eventId":"evt-reuse-1","type":"call_started","companyId":1,"externalCallId":"tel-reuse-1","branchId":11}""";
        using var first = await SendAsync(client, Body);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var again = await SendAsync(client, Body);
        using var different = await SendAsync(client, """{"eventId":"evt-reuse-1","type":"call_started","companyId":1,"externalCallId":"tel-reuse-2","branchId":11}""");

        Assert.Equal("duplicate", (await Json.ReadAsync(again)).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.Conflict, different.StatusCode);
        Assert.Equal("application/problem+json", different.Content.Headers.ContentType?.MediaType);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.AnyAsync(c => c.ExternalId == "tel-reuse-2"));
    }

    [Fact]
    public async Task TelephonyBodyWithUtf8Bom_Processed()
    {
        using var client = app.CreateClient();
        var json = Encoding.UTF8.GetBytes("""{"eventId":"evt-bom-1","type":"call_started","companyId":1,"externalCallId":"tel-bom-1","branchId":11}""");

        using var response = await client.SendAsync(Signed("/webhooks/telephony", [.. Encoding.UTF8.Preamble, .. json], SignedWebhooks.TelephonySecret));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("processed", (await Json.ReadAsync(response)).GetProperty("result").GetString());
    }

    [Fact]
    public async Task CacheRequest_SentTwice_AppliedOnce_409OnTheReplay()
    {
        using var client = app.CreateClient();
        var body = Encoding.UTF8.GetBytes("""{"companyId":3,"tags":["widgets"]}""");
        using var first = await client.SendAsync(Signed("/webhooks/cache/invalidate", body, SignedWebhooks.CacheSecret));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var invalidations = app.Services.GetRequiredService<AskProAI.Caching.IWidgetCache>().GetStatistics().Invalidations;

        using var replay = await client.SendAsync(Signed("/webhooks/cache/invalidate", body, SignedWebhooks.CacheSecret));
        using var upperCased = await client.SendAsync(Signed("/webhooks/cache/invalidate", body, SignedWebhooks.CacheSecret, upperHex: true));

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, upperCased.StatusCode);
        Assert.Equal(invalidations, app.Services.GetRequiredService<AskProAI.Caching.IWidgetCache>().GetStatistics().Invalidations);

        // A new request (another timestamp, so another signature) is applied.
        app.Time.Advance(TimeSpan.FromSeconds(1));
        using var next = await client.SendAsync(Signed("/webhooks/cache/invalidate", body, SignedWebhooks.CacheSecret));
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    private Task<HttpResponseMessage> SendAsync(HttpClient client, string json) =>
        client.SendAsync(SignedWebhooks.Telephony(json, app.Time.GetUtcNow()));

    private HttpRequestMessage Signed(string path, byte[] body, string secret, bool upperHex = false)
    {
        var timestamp = app.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(secret, timestamp, body);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, upperHex ? "sha256=" + signature["sha256=".Length..].ToUpperInvariant() : signature);
        return request;
    }

    /// <summary>On PostgreSQL.</summary>
    public sealed class PostgreSqlFixture() : WritableWebAppFixture(TestDatabaseProvider.PostgreSql);
}

/// <summary><see cref="WebhookIdentityTests"/> on SQLite.</summary>
public sealed class WebhookIdentitySqliteTests(WebhookIdentitySqliteTests.Fixture app) : WebhookIdentityTests(app), IClassFixture<WebhookIdentitySqliteTests.Fixture>
{
    public sealed class Fixture : WritableWebAppFixture;
}

/// <summary><see cref="WebhookIdentityTests"/> on PostgreSQL.</summary>
public sealed class WebhookIdentityPostgreSqlTests(WebhookIdentityTests.PostgreSqlFixture app) : WebhookIdentityTests(app), IClassFixture<WebhookIdentityTests.PostgreSqlFixture>;
