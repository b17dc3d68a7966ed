using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AskProAI.Caching;

namespace AskProAI.Web.Tests.Infrastructure.Distributed;

/// <summary>
/// Two service instances over a redis-server of the test's own, killed and restarted on the same port while both
/// serve: no request fails, <c>/health</c> says Degraded and then Healthy, and a write made on A while Redis was away
/// reaches B once Redis is back (A redelivers its invalidation; B drops its L1 after the reconnect).
/// </summary>
public sealed class TwoInstanceRedisOutageTests(TwoHostsPrivateRedisFixture hosts) : IClassFixture<TwoHostsPrivateRedisFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task RedisKilledAndRestarted_BothHostsServeThroughout_AndAWriteOnADuringTheOutageReachesB()
    {
        using var writerA = await hosts.A.ClientForAsync(TestData.Manager1Email);
        using var readerB = await hosts.B.ClientForAsync(TestData.Manager1Email);
        Assert.Equal("Healthy", await hosts.A.HealthAsync());
        Assert.Equal("Healthy", await hosts.B.HealthAsync());

        await using var load = await ReadLoad.StartAsync(hosts);
        await load.WaitForReadsAsync(Phase.Up);

        hosts.Server.Kill();
        load.Enter(Phase.Down);
        Assert.True(
            await Eventually.TrueAsync(async () => await hosts.A.HealthAsync() == "Degraded" && await hosts.B.HealthAsync() == "Degraded", Bound),
            $"/health did not turn Degraded with Redis down: A {hosts.A.RedisState}; B {hosts.B.RedisState}.");

        // B holds recent_calls of company 1 in its L1, computed while Redis is away and before the write.
        Assert.True(
            await Eventually.TrueAsync(async () => await WidgetReads.CacheOfAsync(readerB, 1, "recent_calls") == "HIT", Bound),
            "B did not cache recent_calls of company 1 with Redis down.");

        // The write on A: its invalidation can reach neither Redis nor B now.
        long callId;
        using (var write = await WidgetReads.PostCallAsync(writerA, 1, new { branchId = 11, direction = "Inbound" }))
        {
            Assert.Equal(HttpStatusCode.Created, write.StatusCode);
            callId = (await Json.ReadAsync(write)).GetProperty("id").GetInt64();
        }

        Assert.Contains(callId, await RecentCallIdsAsync(writerA));
        await load.WaitForReadsAsync(Phase.Down);

        hosts.Server.Restart();
        load.Enter(Phase.Recovered);
        Assert.True(
            await Eventually.TrueAsync(async () => await hosts.A.HealthAsync() == "Healthy" && await hosts.B.HealthAsync() == "Healthy", Bound),
            $"/health did not turn Healthy after Redis came back: A {hosts.A.RedisState}; B {hosts.B.RedisState}.");

        // The restarted Redis started empty: a stamp of the widget's tag can only be A's redelivered invalidation.
        Assert.True(
            await Eventually.TrueAsync(
                async () => await TestRedis.StampAsync(hosts.RedisConfiguration, hosts.Prefix, 1, CacheTag.CompanyWidget("recent_calls", 1)) > 0, Bound),
            "A's invalidation of recent_calls of company 1, made while Redis was down, was not redelivered to Redis.");
        Assert.True(
            await Eventually.TrueAsync(async () => (await RecentCallIdsAsync(readerB)).Contains(callId), Bound),
            $"B still serves recent_calls of company 1 without call {callId} after Redis came back.");
        for (var i = 0; i < 5; i++)
        {
            Assert.Contains(callId, await RecentCallIdsAsync(readerB));
        }

        await load.WaitForReadsAsync(Phase.Recovered);
        await load.StopAsync();
        Assert.Empty(load.Failures);
    }

    private static async Task<List<long>> RecentCallIdsAsync(HttpClient client) =>
        [.. (await WidgetReads.ValueAsync(client, 1, "recent_calls")).GetProperty("calls").EnumerateArray().Select(c => c.GetProperty("id").GetInt64())];

    private enum Phase
    {
        Up,
        Down,
        Recovered,
    }

    /// <summary>Readers on both hosts reading company 2's widgets until stopped (at most a minute); every answer must be a 2xx.</summary>
    private sealed class ReadLoad : IAsyncDisposable
    {
        private const int ReadersPerHost = 3;
        private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

        private readonly CancellationTokenSource _stop = new();
        private readonly int[,] _reads = new int[2, 3];
        private readonly List<HttpClient> _clients = [];
        private Task _readers = Task.CompletedTask;
        private int _phase;

        public ConcurrentQueue<string> Failures { get; } = new();

        public static async Task<ReadLoad> StartAsync(TwoHostsFixture hosts)
        {
            var load = new ReadLoad();
            var tasks = new List<Task>();
            foreach (var (host, index) in new[] { (hosts.A, 0), (hosts.B, 1) })
            {
                for (var i = 0; i < ReadersPerHost; i++)
                {
                    var client = await host.ClientForAsync(TestData.Manager2Email);
                    var reader = i;
                    load._clients.Add(client);
                    tasks.Add(Task.Run(() => load.ReadAsync(client, index, reader)));
                }
            }

            load._readers = Task.WhenAll(tasks);
            return load;
        }

        public void Enter(Phase phase) => Volatile.Write(ref _phase, (int)phase);

        /// <summary>Waits until each host has answered a few reads in the phase, so every phase is really under load.</summary>
        public async Task WaitForReadsAsync(Phase phase)
        {
            var p = (int)phase;
            Assert.True(
                await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref _reads[0, p]) >= 5 && Volatile.Read(ref _reads[1, p]) >= 5), Limit),
                $"Too few reads in phase {phase}: A {_reads[0, p]}, B {_reads[1, p]}.");
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _readers;
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _stop.Dispose();
        }

        private async Task ReadAsync(HttpClient client, int host, int reader)
        {
            var watch = Stopwatch.StartNew();
            for (var n = reader; !_stop.IsCancellationRequested && watch.Elapsed < Limit; n++)
            {
                var widget = WidgetReads.All[n % WidgetReads.All.Length];
                var phase = Volatile.Read(ref _phase);
                try
                {
                    using var response = await client.GetAsync($"/api/companies/2/widgets/{widget}");
                    if (!response.IsSuccessStatusCode)
                    {
                        Failures.Enqueue($"host {"AB"[host]}, phase {(Phase)phase}, {widget}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Failures.Enqueue($"host {"AB"[host]}, phase {(Phase)phase}, {widget}: {ex.GetType().Name}: {ex.Message}");
                }

                Interlocked.Increment(ref _reads[host, phase]);

                // Pacing, not timing: leaves the 2 cores to the hosts' own work (reconnect, redelivery).
                await Task.Delay(10);
            }
        }
    }
}
