using System.Net;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Webhooks;

/// <summary><c>POST /webhooks/telephony</c>: signature, freshness, exactly-once, validation.</summary>
public sealed class TelephonyWebhookTests(TelephonyWebhookTests.Fixture app) : IClassFixture<TelephonyWebhookTests.Fixture>
{
    [Fact]
    public async Task CallStarted_Signed_CreatesCallStoresEventAndAppliesItToTheLiveWidget()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-start-1","type":"call_started","companyId":1,"externalCallId":"tel-1","branchId":12,"customerPhone":"+4930000002","direction":"inbound"}""",
            app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("processed", body.GetProperty("result").GetString());
        var call = await FindAsync("tel-1");
        Assert.Equal((12, 12, CallStatus.Ongoing), (call!.BranchId, call.CustomerId, call.Status));
        Assert.Equal(call.Id, body.GetProperty("callId").GetInt64());
        Assert.Equal(1, await CountEventsAsync("evt-start-1"));
        // The new call is applied to the cached value (ADR 0015): served from the cache, already counting it.
        Assert.Equal("HIT", await WidgetReads.CacheOfAsync(admin, 1, "live_calls"));
        Assert.Equal(before + 1, (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32());
        Assert.Equal("HIT", await WidgetReads.CacheOfAsync(admin, 2, "live_calls"));
    }

    [Fact]
    public async Task Processed_ServerTimingSaysHowLongTheEventAndItsInvalidationTook_ADuplicateInvalidatesNothing()
    {
        using var client = app.CreateClient();
        const string Body = """{"eventId":"evt-timing-1","type":"call_started","companyId":2,"externalCallId":"tel-timing-1","branchId":21}""";

        using var first = await client.SendAsync(SignedWebhooks.Telephony(Body, app.Time.GetUtcNow()));
        using var again = await client.SendAsync(SignedWebhooks.Telephony(Body, app.Time.GetUtcNow()));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var (eventMs, invalidateMs) = TimingsOf(first);
        Assert.True(invalidateMs > 0 && invalidateMs <= eventMs, $"event {eventMs} ms, invalidate {invalidateMs} ms");
        Assert.Equal(0, TimingsOf(again).InvalidateMs);
    }

    private static (double EventMs, double InvalidateMs) TimingsOf(HttpResponseMessage response)
    {
        var metrics = Assert.Single(response.Headers.GetValues("Server-Timing")).Split(", ")
            .Select(m => m.Split(";dur="))
            .ToDictionary(p => p[0], p => double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        return (metrics["event"], metrics["invalidate"]);
    }

    [Fact]
    public async Task CallEndedThenAnalyzed_UpdatesTheCallByExternalId()
    {
        using var client = app.CreateClient();
        var now = app.Time.GetUtcNow();
        await SendOkAsync(client, """{"eventId":"evt-life-1","type":"call_started","companyId":1,"externalCallId":"tel-life","branchId":11,"startedAt":"2025-08-06T14:25:00Z"}""");

        await SendOkAsync(client, """{"eventId":"evt-life-2","type":"call_ended","companyId":1,"externalCallId":"tel-life","endedAt":"2025-08-06T14:29:00Z","costCents":12}""");
        await SendOkAsync(client, """{"eventId":"evt-life-3","type":"call_analyzed","companyId":1,"externalCallId":"tel-life","sentiment":-0.25,"appointmentBooked":true}""");

        var call = await FindAsync("tel-life");
        Assert.Equal((CallStatus.Completed, 240, 12, -0.25, true), (call!.Status, call.DurationSeconds, call.CostCents, call.Sentiment, call.AppointmentBooked));
        Assert.Equal(now.UtcDateTime.AddMinutes(-1), call.EndedAt);
    }

    [Fact]
    public async Task ReplayedEventId_200Duplicate_ReusedWithAnotherBody_409_NeitherChangesAnything()
    {
        using var client = app.CreateClient();
        const string Json1 = """{"eventId":"evt-replay","type":"call_started","companyId":1,"externalCallId":"tel-replay","branchId":11}""";
        await SendOkAsync(client, Json1);
        var calls = await CountCallsAsync();
        var events = await CountEventsAsync(null);

        // The same event again, and the same event id carrying a different change.
        using var again = await client.SendAsync(SignedWebhooks.Telephony(Json1, app.Time.GetUtcNow()));
        using var changed = await client.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-replay","type":"call_started","companyId":1,"externalCallId":"tel-replay-other","branchId":11}""", app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("duplicate", (await Json.ReadAsync(again)).GetProperty("result").GetString());
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal(calls, await CountCallsAsync());
        Assert.Equal(events, await CountEventsAsync(null));
        Assert.Null(await FindAsync("tel-replay-other"));
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneEvent_ProcessedOnce()
    {
        using var client = app.CreateClient();
        const string Body = """{"eventId":"evt-race","type":"call_started","companyId":1,"externalCallId":"tel-race","branchId":11}""";
        var calls = await CountCallsAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.SendAsync(SignedWebhooks.Telephony(Body, app.Time.GetUtcNow()))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(calls + 1, await CountCallsAsync());
        Assert.Equal(1, await CountEventsAsync("evt-race"));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task ForgedSignature_401AndNothingStored()
    {
        using var client = app.CreateClient();
        var calls = await CountCallsAsync();
        const string Body = """{"eventId":"evt-forged","type":"call_started","companyId":1,"externalCallId":"tel-forged","branchId":11}""";

        using var wrongSecret = await client.SendAsync(SignedWebhooks.Signed("/webhooks/telephony", Body, "not-the-secret-0123456789", app.Time.GetUtcNow()));
        using var garbage = await client.SendAsync(SignedWebhooks.Signed("/webhooks/telephony", Body, SignedWebhooks.TelephonySecret, app.Time.GetUtcNow(), signature: "sha256=zz"));
        using var cacheSecret = await client.SendAsync(SignedWebhooks.Signed("/webhooks/telephony", Body, SignedWebhooks.CacheSecret, app.Time.GetUtcNow()));
        using var unsigned = await client.PostAsync("/webhooks/telephony", new StringContent(Body, System.Text.Encoding.UTF8, "application/json"));

        // The body changed after signing.
        var tampered = SignedWebhooks.Telephony(Body, app.Time.GetUtcNow());
        tampered.Content = new StringContent(Body.Replace("\"branchId\":11", "\"branchId\":12", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
        using var tamperedResponse = await client.SendAsync(tampered);

        Assert.All(
            new[] { wrongSecret, garbage, cacheSecret, unsigned, tamperedResponse },
            r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(calls, await CountCallsAsync());
        Assert.Equal(0, await CountEventsAsync("evt-forged"));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public async Task TimestampOutsideFiveMinutes_401(int offsetSeconds)
    {
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-stale","type":"call_started","companyId":1,"externalCallId":"tel-stale","branchId":11}""",
            app.Time.GetUtcNow().AddSeconds(offsetSeconds)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0, await CountEventsAsync("evt-stale"));
    }

    [Theory]
    [InlineData("{\"eventId\":")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[1,2]")]
    [InlineData("{\"eventId\":\"evt-bad-1\",\"type\":\"call_paused\",\"companyId\":1,\"externalCallId\":\"x\"}")]
    [InlineData("{\"eventId\":\"evt-bad-2\",\"type\":\"call_started\",\"companyId\":99,\"externalCallId\":\"x\",\"branchId\":11}")]
    [InlineData("{\"eventId\":\"evt-bad-3\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\",\"branchId\":21}")]
    [InlineData("{\"eventId\":\"evt-bad-4\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\"}")]
    [InlineData("{\"eventId\":\"evt-bad-5\",\"type\":\"call_analyzed\",\"companyId\":1,\"externalCallId\":\"never-started\"}")]
    [InlineData("{\"eventId\":\"evt-bad-6\",\"type\":\"call_started\",\"companyId\":\"one\",\"externalCallId\":\"x\",\"branchId\":11}")]
    [InlineData("{\"eventId\":\"evt-bad-7\",\"type\":\"call_ended\",\"companyId\":1,\"externalCallId\":\"call-101\",\"status\":\"ongoing\"}")]
    [InlineData("{\"eventId\":\"evt-bad-8\",\"type\":\"call_analyzed\",\"companyId\":1,\"externalCallId\":\"call-101\",\"sentiment\":3}")]
    [InlineData("{\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\",\"branchId\":11}")]
    public async Task Malformed_400WithMessageAndNothingStored(string json)
    {
        using var client = app.CreateClient();
        var calls = await CountCallsAsync();
        var events = await CountEventsAsync(null);

        using var response = await client.SendAsync(SignedWebhooks.Telephony(json, app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await Json.ReadAsync(response)).GetProperty("detail").GetString()));
        Assert.Equal(calls, await CountCallsAsync());
        Assert.Equal(events, await CountEventsAsync(null));
    }

    private async Task SendOkAsync(HttpClient client, string json)
    {
        using var response = await client.SendAsync(SignedWebhooks.Telephony(json, app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<Call?> FindAsync(string externalId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.AsNoTracking().SingleOrDefaultAsync(c => c.ExternalId == externalId);
    }

    private async Task<int> CountCallsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.CountAsync();
    }

    private async Task<int> CountEventsAsync(string? eventId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var events = scope.ServiceProvider.GetRequiredService<AskProDbContext>().WebhookEvents;
        return eventId is null ? await events.CountAsync() : await events.CountAsync(e => e.EventId == eventId);
    }

    public sealed class Fixture : WritableWebAppFixture;
}
