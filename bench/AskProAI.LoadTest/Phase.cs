using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AskProAI.LoadTest;

/// <summary>One mode's run: set the mode and clear on every instance, then viewers and webhooks for the duration.</summary>
internal sealed class Phase(ServiceClient client, LoadOptions options, string mode)
{
    private static readonly string[] Widgets = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];
    private readonly Recorder _recorder = new();
    private long _started;
    private readonly SemaphoreSlim[] _companyGates = Enumerable.Range(0, options.Companies + 1).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<PhaseResult> RunAsync(CancellationToken ct)
    {
        if (mode != "as-configured")
        {
            for (var i = 0; i < client.Instances; i++)
            {
                await client.AdminAsync(HttpMethod.Post, "/api/admin/cache/mode", new { mode, percent = 100 }, ct, i);
                await client.AdminAsync(HttpMethod.Post, "/api/admin/cache/clear", new { }, ct, i);
            }
        }

        // Steady state, not a cold start: one dashboard read per company before measuring.
        for (var company = 1; company <= options.Companies; company++)
        {
            await client.DashboardAsync(company, ct);
        }

        var queriesBefore = await QueriesAsync(ct);
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(ct);
        phase.CancelAfter(options.Duration);
        var started = Stopwatch.GetTimestamp();
        _started = started;
        var viewers = new List<Task>();
        for (var company = 1; company <= options.Companies; company++)
        {
            for (var v = 0; v < options.ViewersPerCompany; v++)
            {
                viewers.Add(ViewerAsync(company, new Random(HashCode.Combine(options.Seed, company, v)), phase.Token));
            }
        }

        var writer = WebhooksAsync(new Random(options.Seed), phase.Token);
        await Task.WhenAll(viewers.Append(writer));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var queries = await QueriesAsync(ct) - queriesBefore;
        return new PhaseResult(options.Label, mode, elapsed, _recorder.Summaries(), _recorder.Counts(), queries);
    }

    private async Task<long> QueriesAsync(CancellationToken ct)
    {
        if (mode == "as-configured")
        {
            return 0;
        }

        long total = 0;
        for (var i = 0; i < client.Instances; i++)
        {
            var stats = await client.AdminAsync(HttpMethod.Get, "/api/admin/cache/stats", null, ct, i);
            total += stats["database"]?["queries"]?.GetValue<long>() ?? 0;
        }

        return total;
    }

    private async Task ViewerAsync(int company, Random random, CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next((int)options.PollInterval.TotalMilliseconds)), ct);
            var iteration = 0;
            while (!ct.IsCancellationRequested)
            {
                if (iteration++ % 2 == 0)
                {
                    var (ms, ok, outcomes) = await client.DashboardAsync(company, ct);
                    Record("dashboard", ms, ok);
                    _recorder.Latency(string.Create(CultureInfo.InvariantCulture, $"window_{(int)(Stopwatch.GetElapsedTime(_started).TotalSeconds / 5):D3}"), ms);
                    _recorder.Count("dashboard_views");
                    foreach (var outcome in outcomes.Values)
                    {
                        _recorder.Count("widget_reads");
                        _recorder.Count("outcome_" + outcome);
                    }
                }
                else
                {
                    var widget = Widgets[random.Next(Widgets.Length)];
                    var (ms, ok, cache, _) = await client.WidgetAsync(company, widget, ct);
                    Record(widget, ms, ok);
                    _recorder.Count("widget_reads");
                    _recorder.Count("outcome_" + cache);
                }

                await Task.Delay(options.PollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            _recorder.Count("errors");
            Console.Error.WriteLine($"viewer of company {company} stopped: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Record(string series, double ms, bool ok)
    {
        _recorder.Latency(series, ms);
        if (!ok)
        {
            _recorder.Count("errors");
        }
    }

    /// <summary>
    /// Signed call_started webhooks at a fixed rate. Per company one at a time: read the ongoing count, send,
    /// then read until the count includes the call: a first read that does not is a stale read after an
    /// acknowledgement; the time to the first read that does is the freshness lag.
    /// </summary>
    private async Task WebhooksAsync(Random random, CancellationToken ct)
    {
        if (options.WebhooksPerSecond <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(1 / options.WebhooksPerSecond);
        var inFlight = new List<Task>();
        var n = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var company = random.Next(1, options.Companies + 1);
                var eventId = string.Create(CultureInfo.InvariantCulture, $"load-{options.Seed}-{mode}-{Environment.ProcessId}-{n++}");
                inFlight.Add(OneEventAsync(company, eventId, n, ct));
                await Task.Delay(interval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight);
    }

    private async Task OneEventAsync(int company, string eventId, int n, CancellationToken ct)
    {
        try
        {
            await _companyGates[company].WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            // Writes go to one instance and reads to the other when there are two: cross-instance freshness.
            var writeTo = client.Instance(n);
            var readFrom = client.Instance(n + 1);
            var before = Ongoing((await client.WidgetAsync(company, "live_calls", CancellationToken.None, readFrom)).Body);
            var sent = Stopwatch.GetTimestamp();
            var (ok, status) = await client.CallStartedAsync(company, eventId, "ext-" + eventId, CancellationToken.None, writeTo);
            var ackMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (!ok)
            {
                _recorder.Count("webhook_errors");
                _recorder.Count("webhook_status_" + status);
                return;
            }

            _recorder.Count("webhooks_acknowledged");
            _recorder.Latency("webhook_ack", ackMs);
            for (var attempt = 0; ; attempt++)
            {
                var now = Ongoing((await client.WidgetAsync(company, "live_calls", CancellationToken.None, readFrom)).Body);
                if (now > before)
                {
                    _recorder.Latency("event_to_visible", Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    break;
                }

                if (attempt == 0)
                {
                    _recorder.Count("stale_reads_after_ack");
                }

                if (Stopwatch.GetElapsedTime(sent) > TimeSpan.FromSeconds(2))
                {
                    _recorder.Count("not_visible_within_2s");
                    break;
                }

                await Task.Delay(5, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException)
        {
            _recorder.Count("webhook_errors");
        }
        finally
        {
            _companyGates[company].Release();
        }
    }

    private static int Ongoing(byte[] body) =>
        JsonNode.Parse(body)?["ongoing"]?.GetValue<int>() ?? -1;
}

/// <summary>What one phase measured.</summary>
internal sealed record PhaseResult(
    string Label,
    string Mode,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, LatencySummary> Latencies,
    IReadOnlyDictionary<string, long> Counts,
    long DatabaseQueries)
{
    public long Count(string name) => Counts.TryGetValue(name, out var v) ? v : 0;

    public long Requests => Latencies.Where(l => l.Key is not ("event_to_visible" or "webhook_ack") && !l.Key.StartsWith("window_", StringComparison.Ordinal)).Sum(l => (long)l.Value.Count);

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;

    public double HitRatio
    {
        get
        {
            var reads = Count("widget_reads");
            return reads == 0 ? 0 : (double)(Count("outcome_HIT") + Count("outcome_STALE")) / reads;
        }
    }

    /// <summary>Database queries per dashboard-equivalent (four widget reads).</summary>
    public double QueriesPerDashboardView
    {
        get
        {
            var reads = Count("widget_reads");
            return reads == 0 ? 0 : DatabaseQueries / (reads / 4.0);
        }
    }

    public long Errors => Count("errors") + Count("webhook_errors");
}
