using AskProAI.Caching;
using AskProAI.Web.Features.CacheAdmin;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Infrastructure.Distributed;

/// <summary>
/// Two service instances sharing PostgreSQL and Redis (<c>ASKPRO_TEST_REDIS</c>), each with its own L1: a write on one
/// reaches the other's cached widgets over the backplane, and a cold key is computed once across both.
/// </summary>
public sealed class TwoInstanceTests(TwoHostsFixture hosts) : IClassFixture<TwoHostsFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WebhookWriteOnA_WidgetCachedOnB_BServesTheWriteWithinTheBound()
    {
        using var readerB = await hosts.B.ClientForAsync(TestData.Manager1Email);
        await WidgetReads.CacheOfAsync(readerB, 1, "recent_calls");
        Assert.Equal("HIT", await WidgetReads.CacheOfAsync(readerB, 1, "recent_calls"));

        using var webhookA = hosts.A.CreateClient();
        using var response = await webhookA.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-two-instances","type":"call_started","companyId":1,"externalCallId":"tel-two-instances","branchId":11}""",
            hosts.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var callId = (await Json.ReadAsync(response)).GetProperty("callId").GetInt64();

        // B's entry is fresh for 5 more minutes (the statistics TTL): only the invalidation from A can make B recompute now.
        Assert.True(
            await Eventually.TrueAsync(async () => (await RecentCallIdsAsync(readerB)).Contains(callId), Bound),
            $"B still serves recent_calls of company 1 without call {callId}, written through A, after {Bound.TotalSeconds:F0} s.");
        Assert.Contains(callId, await RecentCallIdsAsync(readerB));
    }

    [Fact]
    public async Task Metrics_InDistributedMode_ExportTheRedisLayersMeter()
    {
        using var reader = await hosts.A.ClientForAsync(TestData.Manager1Email);
        await WidgetReads.CacheOfAsync(reader, 1, "stats_overview");
        using var client = hosts.A.CreateClient();

        // The backplane counts every message it handles (its own heartbeats come back every second), so the meter has points.
        Assert.True(
            await Eventually.TrueAsync(
                async () => (await client.GetStringAsync("/metrics")).Contains("askpro_redis_backplane_messages", StringComparison.Ordinal),
                Bound),
            "/metrics has no instrument of the meter AskProAI.Caching.Redis.");
    }

    [Fact]
    public async Task ValueComputedOnA_ReadOnB_IsAHitMarkedL2()
    {
        using var readerA = await hosts.A.ClientForAsync(TestData.Manager2Email);
        using var readerB = await hosts.B.ClientForAsync(TestData.Manager2Email);
        Assert.Equal("MISS", await WidgetReads.CacheOfAsync(readerA, 2, "stats_overview"));

        using var fromL2 = await readerB.GetAsync("/api/companies/2/widgets/stats_overview");
        using var fromMemory = await readerB.GetAsync("/api/companies/2/widgets/stats_overview");

        Assert.Equal("HIT", Assert.Single(fromL2.Headers.GetValues("X-Cache")));
        Assert.StartsWith("cache;desc=\"HIT\";level=l2;dur=", Assert.Single(fromL2.Headers.GetValues("Server-Timing")), StringComparison.Ordinal);
        Assert.Equal("HIT", Assert.Single(fromMemory.Headers.GetValues("X-Cache")));
        Assert.DoesNotContain("level=l2", Assert.Single(fromMemory.Headers.GetValues("Server-Timing")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ColdKey_ManyConcurrentReadsOnBothHosts_ComputedOnceAcrossThem()
    {
        const int ReadsPerHost = 16;
        using var clientA = await hosts.A.ClientForAsync(TestData.Manager2Email);
        using var clientB = await hosts.B.ClientForAsync(TestData.Manager2Email);
        var before = (A: hosts.A.ComputationsOf("dashboard_stats"), B: hosts.B.ComputationsOf("dashboard_stats"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task<(HttpStatusCode Status, string Body)> ReadAsync(HttpClient client)
        {
            await go.Task;
            using var response = await client.GetAsync("/api/companies/2/widgets/dashboard_stats");
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var reads = Enumerable.Range(0, ReadsPerHost).SelectMany(_ => new[] { ReadAsync(clientA), ReadAsync(clientB) }).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(reads);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(results.Select(r => r.Body).Distinct(StringComparer.Ordinal));

        // Each host runs one computation per key (single flight); the distributed lock makes it one across the hosts.
        var computed = (A: hosts.A.ComputationsOf("dashboard_stats") - before.A, B: hosts.B.ComputationsOf("dashboard_stats") - before.B);
        Assert.True(
            computed.A + computed.B == 1,
            $"dashboard_stats of company 2 was computed {computed.A} time(s) on A and {computed.B} on B for {2 * ReadsPerHost} concurrent cold reads.");
    }

    [Fact]
    public async Task WebhookWriteOnA_DashboardOpenOnB_IsPushedByB_AndBsNextReadHasTheWrite()
    {
        using var readerB = await hosts.B.ClientForAsync(TestData.Manager1Email);
        var before = (await WidgetReads.ValueAsync(readerB, 1, "live_calls")).GetProperty("ongoing").GetInt32();
        Assert.Equal("HIT", await WidgetReads.CacheOfAsync(readerB, 1, "live_calls"));
        var pushes = Channel.CreateUnbounded<PushedChange>();
        var token = readerB.DefaultRequestHeaders.Authorization!.Parameter;
        await using var watcherOnB = new HubConnectionBuilder()
            .WithUrl(new Uri(hosts.B.Server.BaseAddress, "hubs/dashboard"), o =>
            {
                o.HttpMessageHandlerFactory = _ => hosts.B.Server.CreateHandler();
                o.Transports = HttpTransportType.LongPolling;
                o.AccessTokenProvider = () => Task.FromResult(token);
            })
            .Build();
        watcherOnB.On<PushedChange>("widgetsChanged", m =>
        {
            if (m.CompanyId == 1)
            {
                pushes.Writer.TryWrite(m);
            }
        });
        await watcherOnB.StartAsync();

        var computedOnB = hosts.B.ComputationsOf("live_calls");
        using var webhookA = hosts.A.CreateClient();
        using var response = await webhookA.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"evt-two-instances-push","type":"call_started","companyId":1,"externalCallId":"tel-two-instances-push","branchId":11}""",
            hosts.Clock.GetUtcNow()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The write's invalidations cross the backplane as one message, so B pushes one change naming every widget the
        // call touched (the page then fetches the live widget first and alone). B pushes only after it has dropped its
        // own entries, so the page's re-fetch from B right after the push is fresh.
        using var deadline = new CancellationTokenSource(Bound);
        var pushed = await pushes.Reader.ReadAsync(deadline.Token);
        Assert.Equal(["dashboard_stats", "live_calls", "recent_calls", "stats_overview"], pushed.Widgets.Order());

        // The push carries the live widget's value after the write (ADR 0026): A computed it before announcing the
        // write, so B read it from L2 and computed nothing, and the page needs no request to show it.
        Assert.NotNull(pushed.Live);
        Assert.Equal("live_calls", pushed.Live.Widget);
        Assert.Equal(before + 1, pushed.Live.Value.GetProperty("ongoing").GetInt32());
        Assert.Equal(computedOnB, hosts.B.ComputationsOf("live_calls"));

        Assert.Equal(before + 1, (await WidgetReads.ValueAsync(readerB, 1, "live_calls")).GetProperty("ongoing").GetInt32());
    }

    [Fact]
    public async Task WarmOnA_ReadOnB_IsAnL2HitThatBDoesNotCompute()
    {
        // Nothing of company 1's dashboard_stats cached anywhere (A's invalidation reaches B before it returns), then a warm on A.
        var cacheA = hosts.A.Services.GetRequiredService<IWidgetCache>();
        var invalidatedAt = hosts.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        await cacheA.InvalidateAsync(CacheTag.CompanyWidget("dashboard_stats", 1));
        using var readerB = await hosts.B.ClientForAsync(TestData.Manager1Email);
        var computedOnB = hosts.B.ComputationsOf("dashboard_stats");
        var job = hosts.A.Services.GetRequiredService<CacheWarmer>().StartWarm([1], "company 1");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(job.IsFinished), Bound), "The warm job on A did not finish.");
        Assert.Equal(0, job.Failed);

        // The warm stores each widget with its own type: its bytes reach L2 (a refresh declared as object was refused by
        // the serializer and stayed in A's memory, so B computed every widget again).
        var key = WidgetKey.Create("dashboard_stats", WidgetTier.Heavy, 1, hosts.Clock.GetUtcNow()).ToString();
        var stored = await hosts.A.Services.GetRequiredService<IWidgetCacheStore>().GetAsync(key, 1, CancellationToken.None);
        Assert.True(stored is not null && stored.CreatedUnixMs > invalidatedAt, $"The warm on A left no copy of {key} in L2 newer than the invalidation.");
        using var response = await readerB.GetAsync("/api/companies/1/widgets/dashboard_stats");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("cache;desc=\"HIT\";level=l2;", Assert.Single(response.Headers.GetValues("Server-Timing")), StringComparison.Ordinal);
        Assert.Equal(computedOnB, hosts.B.ComputationsOf("dashboard_stats"));
    }

    private sealed record PushedChange(int CompanyId, string[] Widgets, PushedLive? Live);

    private sealed record PushedLive(string Widget, string Cache, long Age, System.Text.Json.JsonElement Value);

    private static async Task<List<long>> RecentCallIdsAsync(HttpClient client) =>
        [.. (await WidgetReads.ValueAsync(client, 1, "recent_calls")).GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("id").GetInt64())];
}
