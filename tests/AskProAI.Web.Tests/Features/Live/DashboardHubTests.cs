using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace AskProAI.Web.Tests.Features.Live;

/// <summary>The dashboard hub over real WebSockets: pushes reach the changed company's watchers only.</summary>
public sealed class DashboardHubTests(DashboardHubTests.Fixture app) : IClassFixture<DashboardHubTests.Fixture>
{
    [Fact]
    public async Task ChangeInCompany1_PushedToCompany1_NotToCompany2()
    {
        await using var watcher1 = await Watcher.ConnectAsync(app, TestData.Manager1Email);
        await using var watcher2 = await Watcher.ConnectAsync(app, TestData.Manager2Email);
        using var writer = await ApiClientAsync(TestData.Manager1Email);

        using var response = await writer.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        var message = await watcher1.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, message.CompanyId);
        Assert.Equal(["dashboard_stats", "live_calls", "recent_calls", "stats_overview"], message.Widgets.Order(StringComparer.Ordinal).ToArray());

        // Company 2 hears nothing, not even after a change of its own arrives (ordering proves the silence).
        using var other = await ApiClientAsync(TestData.Manager2Email);
        using var response2 = await other.PatchAsJsonAsync("/api/companies/2/appointments/2001", new { priceCents = 7000 });
        Assert.Equal(HttpStatusCode.OK, response2.StatusCode);
        var message2 = await watcher2.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, message2.CompanyId);
        Assert.Equal(["dashboard_stats", "stats_overview"], message2.Widgets.Order(StringComparer.Ordinal).ToArray());
        Assert.False(watcher1.HasMore);
        Assert.False(watcher2.HasMore);
    }

    [Fact]
    public async Task Manager_WatchAnotherCompany_Refused()
    {
        await using var watcher = await Watcher.ConnectAsync(app, TestData.Manager1Email);

        var refused = await watcher.Connection.InvokeAsync<WatchAnswerMessage>("Watch", 2);

        Assert.False(refused.Watching);
        Assert.Contains("own company", refused.Refusal, StringComparison.Ordinal);
        Assert.True((await watcher.Connection.InvokeAsync<WatchAnswerMessage>("Watch", 1)).Watching);
    }

    [Fact]
    public async Task SuperAdmin_WatchCompany2_GetsCompany2sChangesOnly()
    {
        await using var watcher = await Watcher.ConnectAsync(app, TestData.AdminEmail);
        Assert.Equal(new WatchAnswerMessage(2, true, null), await watcher.Connection.InvokeAsync<WatchAnswerMessage>("Watch", 2));
        using var writer = await ApiClientAsync(TestData.AdminEmail);

        using var change1 = await writer.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 12, direction = "Inbound" });
        using var change2 = await writer.PostAsJsonAsync("/api/companies/2/calls", new { branchId = 21, direction = "Inbound" });

        var message = await watcher.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, message.CompanyId);

        // A barrier instead of a wait: a later change of company 2 arrives after anything sent before it.
        using var barrier = await writer.PostAsJsonAsync("/api/companies/2/calls", new { branchId = 21, direction = "Inbound" });
        Assert.Equal(2, (await watcher.NextAsync(TimeSpan.FromSeconds(10))).CompanyId);
        Assert.False(watcher.HasMore);
    }

    [Fact]
    public async Task Anonymous_CannotConnect()
    {
        var connection = new HubConnectionBuilder().WithUrl(app.BaseAddress + "/hubs/dashboard").Build();
        await using (connection)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => connection.StartAsync());
        }
    }

    [Fact]
    public async Task Anonymous_Negotiate_401NotARedirect()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.BaseAddress) };

        using var response = await client.PostAsync("/hubs/dashboard/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Import_BodyOverTheLimit_413WhileStreaming()
    {
        using var client = await ApiClientAsync(TestData.Manager1Email);
        var call = """{"branchId":11,"direction":"Inbound","status":"Completed","startedAt":"2025-08-06T10:00:00Z"},""";
        var body = "{\"calls\":[" + string.Concat(Enumerable.Repeat(call, (3 * 1024 * 1024 / call.Length) + 1)) + "{}]}";

        // The service answers before the client has sent the whole body and closes; the client may then fail on its
        // next write (a broken pipe) before it reads the answer, a race of the transport: such an attempt is sent again.
        HttpResponseMessage? answered = null;
        for (var attempt = 0; attempt < 3 && answered is null; attempt++)
        {
            try
            {
                answered = await client.PostAsync("/api/companies/1/imports/calls", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            }
            catch (HttpRequestException exception) when (exception.InnerException is IOException)
            {
            }
        }

        using var response = answered ?? throw new InvalidOperationException("Three attempts ended in a broken connection before an answer was read.");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SignedWebhook_PushesToTheCompany()
    {
        await using var watcher = await Watcher.ConnectAsync(app, TestData.Manager1Email);
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };

        using var response = await client.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-hub-1","type":"call_started","companyId":1,"externalCallId":"tel-hub-1","branchId":11}""", app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("live_calls", (await watcher.NextAsync(TimeSpan.FromSeconds(10))).Widgets);
    }

    [Fact]
    public async Task SignedWebhook_PushCarriesTheLiveValueAfterTheWrite_ReadFromTheCacheTheWriteWasAppliedTo()
    {
        using var reader = await ApiClientAsync(TestData.Manager1Email);
        var before = (await WidgetReads.ValueAsync(reader, 1, "live_calls")).GetProperty("ongoing").GetInt32();
        await using var watcher = await Watcher.ConnectAsync(app, TestData.Manager1Email);
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };

        using var response = await client.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-hub-live","type":"call_started","companyId":1,"externalCallId":"tel-hub-live","branchId":11}""", app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // On one node the write is applied to the cached value (ADR 0015), so the push's read is a hit.
        var message = await watcher.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("live_calls", message.Widgets);
        Assert.NotNull(message.Live);
        Assert.Equal(("live_calls", "HIT"), (message.Live.Widget, message.Live.Cache));
        Assert.Equal(before + 1, message.Live.Value.GetProperty("ongoing").GetInt32());
        Assert.Equal(message.Live.Value.GetRawText(), (await WidgetReads.ValueAsync(reader, 1, "live_calls")).GetRawText());
    }

    [Fact]
    public async Task ChangeOfAnAggregateOnly_PushNamesIt_WithoutALiveValue()
    {
        await using var watcher = await Watcher.ConnectAsync(app, TestData.Manager2Email);
        using var writer = await ApiClientAsync(TestData.Manager2Email);

        using var response = await writer.PatchAsJsonAsync("/api/companies/2/appointments/2001", new { priceCents = 7100 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var message = await watcher.NextAsync(TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("live_calls", message.Widgets);
        Assert.Null(message.Live);
    }

    private async Task<HttpClient> ApiClientAsync(string email)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(app, email));
        return client;
    }

    internal static async Task<string> TokenAsync(KestrelWebAppFixture app, string email)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password = TestData.Password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>A SignalR client that queues every <c>widgetsChanged</c> it hears.</summary>
    private sealed class Watcher : IAsyncDisposable
    {
        private readonly Channel<WidgetsChangedMessage> _messages = Channel.CreateUnbounded<WidgetsChangedMessage>();

        private Watcher(HubConnection connection)
        {
            Connection = connection;
            connection.On<WidgetsChangedMessage>("widgetsChanged", m => _messages.Writer.TryWrite(m));
        }

        public HubConnection Connection { get; }

        public bool HasMore => _messages.Reader.TryPeek(out _);

        public static async Task<Watcher> ConnectAsync(KestrelWebAppFixture app, string email)
        {
            var token = await TokenAsync(app, email);
            var connection = new HubConnectionBuilder()
                .WithUrl(app.BaseAddress + "/hubs/dashboard", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
                .Build();
            var watcher = new Watcher(connection);
            await connection.StartAsync();
            return watcher;
        }

        public async Task<WidgetsChangedMessage> NextAsync(TimeSpan timeout) => await _messages.Reader.ReadAsync().AsTask().WaitAsync(timeout);

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    private sealed record WidgetsChangedMessage(int CompanyId, string[] Widgets, PushedLive? Live);

    private sealed record PushedLive(string Widget, string Cache, long Age, JsonElement Value);

    private sealed record WatchAnswerMessage(int CompanyId, bool Watching, string? Refusal);

    public sealed class Fixture : WritableKestrelFixture;
}
