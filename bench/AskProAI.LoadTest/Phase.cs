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
    private readonly PriorityQueue<PendingEnd, long> _ends = new();
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

        var before = await QueriesAsync(ct);
        using var phase = CancellationTokenSource.CreateLinkedTokenSource(ct);
        phase.CancelAfter(options.Duration);
        var started = Stopwatch.GetTimestamp();
        _started = started;
        // The wall-clock start of the measured load: faults injected from outside (bench/run-soak.sh) are placed on it.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   measured load started at {DateTimeOffset.UtcNow:HH:mm:ss.fff} UTC"));
        var viewers = new List<Task>();
        for (var company = 1; company <= options.Companies; company++)
        {
            for (var v = 0; v < options.ViewersPerCompany; v++)
            {
                viewers.Add(ViewerAsync(company, new Random(HashCode.Combine(options.Seed, company, v)), phase.Token));
            }
        }

        var writer = WebhooksAsync(new Random(options.Seed), phase.Token);
        var memory = new MemorySampler(client, options.MemorySampleInterval, _recorder).RunAsync(started, phase.Token);
        await Task.WhenAll(viewers.Append(writer));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var samples = await memory;
        var after = await QueriesAsync(ct);
        (long All, long Widget, double WidgetMs)? delta = before is { } b && after is { } a ? (a.All - b.All, a.Widget - b.Widget, a.WidgetMs - b.WidgetMs) : null;
        var verdicts = Enumerable.Range(0, client.MetricsInstances).Select(i => MemoryVerdict.Of(i, samples, elapsed)).ToList();
        var verification = options.VerifyDatabase is { } target ? await DatabaseCheck.VerifyAsync(target, _recorder.Events(), ct) : null;
        return new PhaseResult(options.Label, mode, elapsed, _recorder.Summaries(), _recorder.Counts(), delta?.All ?? 0, samples, verdicts, verification)
        {
            QueriesCounted = delta is not null,
            WidgetQueries = delta?.Widget ?? 0,
            WidgetQueryMs = delta?.WidgetMs ?? 0,
        };
    }

    /// <summary>
    /// Database commands so far on every instance: all of them, and those of widget computations (the read path) with
    /// their time. Read from each instance itself (<see cref="ServiceClient.InstanceStatsAsync"/>: its own address when
    /// <c>--instance-url</c> names them), never through a balancer, which would answer for one instance at random. Null
    /// when an instance does not answer (a deployment run as configured may have no admin token): the report then
    /// shows no query figures rather than zeros.
    /// </summary>
    private async Task<(long All, long Widget, double WidgetMs)?> QueriesAsync(CancellationToken ct)
    {
        long total = 0;
        long widget = 0;
        double widgetMs = 0;
        for (var i = 0; i < client.MetricsInstances; i++)
        {
            JsonObject stats;
            try
            {
                stats = await client.InstanceStatsAsync(i, ct);
            }
            catch (Exception exception) when (mode == "as-configured" && exception is HttpRequestException or InvalidOperationException)
            {
                Console.WriteLine($"   no query counts: instance {i + 1}'s admin API did not answer ({exception.Message})");
                return null;
            }

            total += stats["database"]?["queries"]?.GetValue<long>() ?? 0;
            widget += stats["database"]?["widgetQueries"]?.GetValue<long>() ?? 0;
            widgetMs += stats["database"]?["widgetQueryMs"]?.GetValue<double>() ?? 0;
        }

        return (total, widget, widgetMs);
    }

    /// <summary>One viewer polling until the phase ends; a failed request is counted by kind and the viewer goes on.</summary>
    private async Task ViewerAsync(int company, Random random, CancellationToken ct)
    {
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next((int)options.PollInterval.TotalMilliseconds)), ct);
            var iteration = 0;
            while (!ct.IsCancellationRequested)
            {
                var series = "dashboard";
                try
                {
                    if (iteration++ % 2 == 0)
                    {
                        var (ms, status, outcomes) = await client.DashboardAsync(company, ct);
                        Record(series, ms, status);
                        var at = Stopwatch.GetElapsedTime(_started).TotalSeconds;
                        _recorder.Latency(string.Create(CultureInfo.InvariantCulture, $"window_{(int)(at / 5):D3}"), ms);
                        _recorder.Latency(string.Create(CultureInfo.InvariantCulture, $"minute_{(int)(at / 60):D3}"), ms);
                        _recorder.Count("dashboard_views");
                        foreach (var outcome in outcomes.Values)
                        {
                            _recorder.Count("widget_reads");
                            _recorder.Count("outcome_" + outcome);
                        }
                    }
                    else
                    {
                        series = Widgets[random.Next(Widgets.Length)];
                        var (ms, status, cache, _) = await client.WidgetAsync(company, series, ct);
                        Record(series, ms, status);
                        _recorder.Count("widget_reads");
                        _recorder.Count("outcome_" + cache);
                    }
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException or KeyNotFoundException)
                {
                    // TaskCanceledException while the phase runs is the client's 30 s timeout.
                    _recorder.Error(series + " " + ex.GetType().Name);
                }

                await Task.Delay(options.PollInterval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void Record(string series, double ms, int status)
    {
        _recorder.Latency(series, ms);
        if (status is < 200 or > 299)
        {
            _recorder.Error(string.Create(CultureInfo.InvariantCulture, $"{series} HTTP {status}"));
        }
    }

    /// <summary>
    /// Signed telephony webhooks at a fixed rate: a call's end when one is due, else a new call's start (only starts with
    /// <c>--starts-only</c>). Each acknowledged start schedules the same call's end after a random duration, when that
    /// falls in the phase, so at steady state about half the events are ends. Per company one event at a time: read the
    /// ongoing count, send, then read until the count shows the event (up after a start, down after an end): a first
    /// read that does not is a stale read after an acknowledgement; the time to the first read that does is the lag.
    /// </summary>
    private async Task WebhooksAsync(Random random, CancellationToken ct)
    {
        if (options.WebhooksPerSecond <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromSeconds(1 / options.WebhooksPerSecond);
        var peakInterval = TimeSpan.FromSeconds(1 / (options.WebhooksPerSecond * options.PeakFactor));
        var third = options.Duration / 3;
        var inFlight = new List<Task>();
        var n = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var eventId = string.Create(CultureInfo.InvariantCulture, $"load-{options.Seed}-{mode}-{Environment.ProcessId}-{n++}");
                PendingEnd? due = null;
                lock (_ends)
                {
                    if (_ends.TryPeek(out _, out var at) && at <= Stopwatch.GetTimestamp())
                    {
                        due = _ends.Dequeue();
                    }
                }

                if (due is not null)
                {
                    inFlight.Add(OneEventAsync(due.Company, eventId, due.ExternalCallId, due, n, ct));
                }
                else
                {
                    var company = random.Next(1, options.Companies + 1);
                    var (min, max) = options.CallDuration;
                    var end = options.StartsOnly
                        ? null
                        : new PendingEnd(company, "ext-" + eventId, min + ((max - min) * random.NextDouble()), Missed: random.Next(100) < 15);
                    inFlight.Add(OneEventAsync(company, eventId, "ext-" + eventId, null, n, ct, end));
                }

                // The busy hour: the middle third of the phase at PeakFactor times the rate.
                var elapsed = Stopwatch.GetElapsedTime(_started);
                await Task.Delay(elapsed >= third && elapsed < 2 * third ? peakInterval : interval, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>One event: a start (<paramref name="ending"/> null; <paramref name="then"/> its end to schedule) or the end of a started call.</summary>
    private async Task OneEventAsync(int company, string eventId, string externalCallId, PendingEnd? ending, int n, CancellationToken ct, PendingEnd? then = null)
    {
        var type = ending is null ? "call_started" : "call_ended";
        try
        {
            await _companyGates[company].WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            // Still waiting for the company's previous event when the phase ended: never sent.
            _recorder.Count("webhooks_not_sent_phase_ended");
            return;
        }

        // Which step failed, for the error's kind: the read before, the webhook, or the freshness probe after it.
        var step = "probe before webhook";
        try
        {
            // Writes go to one instance and reads to the other when there are two: cross-instance freshness.
            var writeTo = client.Instance(n);
            var readFrom = client.Instance(n + 1);
            var before = await OngoingAsync(company, readFrom);
            var sent = Stopwatch.GetTimestamp();
            step = "webhook";
            _recorder.Sent(eventId, company, externalCallId);
            var (ok, status, result) = ending is null
                ? await client.CallStartedAsync(company, eventId, externalCallId, CancellationToken.None, writeTo)
                : await client.CallEndedAsync(company, eventId, externalCallId, ending.Missed, CancellationToken.None, writeTo);
            var ackMs = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if (!ok)
            {
                _recorder.Error(string.Create(CultureInfo.InvariantCulture, $"webhook {type} HTTP {status}"));
                return;
            }

            _recorder.Acknowledged(eventId);
            _recorder.Count("webhooks_acknowledged");
            _recorder.Count("webhooks_acknowledged_" + type);
            _recorder.Count("webhook_result_" + (result ?? "none"));
            _recorder.Latency("webhook_ack", ackMs);
            var acknowledged = Stopwatch.GetTimestamp();
            if (then is not null && Stopwatch.GetElapsedTime(_started) + then.Duration < options.Duration - EndMargin)
            {
                lock (_ends)
                {
                    _ends.Enqueue(then, acknowledged + (long)(then.Duration.TotalSeconds * Stopwatch.Frequency));
                }
            }

            step = "probe";
            for (var attempt = 0; ; attempt++)
            {
                var now = await OngoingAsync(company, readFrom);
                if (ending is null ? now > before : now < before)
                {
                    _recorder.Latency("event_to_visible", Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                    // From the acknowledgement to a read (on the other instance, with two) that shows the write.
                    _recorder.Latency("ack_to_visible", Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
                    break;
                }

                if (attempt == 0)
                {
                    _recorder.Count("stale_reads_after_ack");
                    _recorder.Count("stale_reads_after_ack_" + type);
                    // When in the run, in 5-second windows: a fault test must tell stale reads during an outage from after it.
                    _recorder.Count(string.Create(CultureInfo.InvariantCulture, $"stale_reads_after_ack_at_{(int)(Stopwatch.GetElapsedTime(_started).TotalSeconds / 5) * 5:D4}s"));
                }

                if (Stopwatch.GetElapsedTime(sent) > TimeSpan.FromSeconds(2))
                {
                    _recorder.Count("not_visible_within_2s");
                    if (attempt == 0)
                    {
                        // The only read took the 2 s itself: slow, not necessarily stale for long.
                        _recorder.Count("not_visible_within_2s_after_one_read");
                    }

                    break;
                }

                await Task.Delay(5, CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException or InvalidOperationException)
        {
            _recorder.Error(step + " " + ex.GetType().Name);
        }
        finally
        {
            _companyGates[company].Release();
        }
    }

    /// <summary>An end is scheduled only when it falls this long before the phase's end, so that it is sent in the phase.</summary>
    private static readonly TimeSpan EndMargin = TimeSpan.FromSeconds(5);

    /// <summary>A started call's end, due after <paramref name="Duration"/>.</summary>
    /// <param name="Company">The call's company.</param>
    /// <param name="ExternalCallId">The call's provider id.</param>
    /// <param name="Duration">How long after the start's acknowledgement the end is sent.</param>
    /// <param name="Missed">Whether the call ends missed rather than completed.</param>
    private sealed record PendingEnd(int Company, string ExternalCallId, TimeSpan Duration, bool Missed);

    /// <summary>The ongoing-call count of the company's <c>live_calls</c>, read from one instance.</summary>
    private async Task<int> OngoingAsync(int company, HttpClient instance)
    {
        var (_, status, _, body) = await client.WidgetAsync(company, "live_calls", CancellationToken.None, instance);
        _recorder.Count("probe_reads");
        return status is >= 200 and <= 299
            ? JsonNode.Parse(body)?["ongoing"]?.GetValue<int>() ?? throw new JsonException("live_calls has no ongoing count.")
            : throw new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"live_calls answered {status}"), null, (System.Net.HttpStatusCode)status);
    }
}

/// <summary>What one phase measured.</summary>
internal sealed record PhaseResult(
    string Label,
    string Mode,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, LatencySummary> Latencies,
    IReadOnlyDictionary<string, long> Counts,
    long DatabaseQueries,
    IReadOnlyList<MemorySample> Memory,
    IReadOnlyList<MemoryVerdict> MemoryVerdicts,
    DatabaseVerification? Verification)
{
    public long Count(string name) => Counts.TryGetValue(name, out var v) ? v : 0;

    /// <summary>Gets whether every instance's command counts were read before and after the phase (else the query figures are unknown).</summary>
    public bool QueriesCounted { get; init; }

    /// <summary>Gets the commands run by widget computations (the read path: what dashboard views cost the database).</summary>
    public long WidgetQueries { get; init; }

    /// <summary>Gets the database milliseconds of those commands.</summary>
    public double WidgetQueryMs { get; init; }

    /// <summary>Read-path queries per dashboard-equivalent (four widget reads): writes' and webhooks' own commands not included.</summary>
    public double ReadQueriesPerDashboardView
    {
        get
        {
            var reads = Count("widget_reads");
            return reads == 0 ? 0 : WidgetQueries / (reads / 4.0);
        }
    }

    /// <summary>Read-path database milliseconds per dashboard-equivalent.</summary>
    public double ReadDbMsPerDashboardView
    {
        get
        {
            var reads = Count("widget_reads");
            return reads == 0 ? 0 : WidgetQueryMs / (reads / 4.0);
        }
    }

    /// <summary>Commands that were not widget computations (webhooks, their lookups and commits) per acknowledged webhook.</summary>
    public double OtherQueriesPerWebhook
    {
        get
        {
            var webhooks = Count("webhooks_acknowledged");
            return webhooks == 0 ? 0 : (double)(DatabaseQueries - WidgetQueries) / webhooks;
        }
    }

    /// <summary>Database time (all instances) between the first and the last scrape of the phase; null without the metric.</summary>
    public double? DatabaseSeconds
    {
        get
        {
            double? total = null;
            foreach (var instance in Memory.GroupBy(m => m.Instance))
            {
                var samples = instance.Where(m => m.DatabaseSeconds is not null).OrderBy(m => m.AtSeconds).ToList();
                if (samples.Count >= 2)
                {
                    total = (total ?? 0) + (samples[^1].DatabaseSeconds!.Value - samples[0].DatabaseSeconds!.Value);
                }
            }

            return total;
        }
    }

    /// <summary>Database milliseconds per dashboard-equivalent (four widget reads), webhooks' own commands included.</summary>
    public double? DatabaseMsPerDashboardView
    {
        get
        {
            var reads = Count("widget_reads");
            return DatabaseSeconds is { } s && reads > 0 ? s * 1000 / (reads / 4.0) : null;
        }
    }

    /// <summary>Database milliseconds per acknowledged webhook: everything the phase cost the database, per call event.</summary>
    public double? DatabaseMsPerWebhook
    {
        get
        {
            var webhooks = Count("webhooks_acknowledged");
            return DatabaseSeconds is { } s && webhooks > 0 ? s * 1000 / webhooks : null;
        }
    }

    /// <summary>Viewer requests (dashboards and single widgets); webhooks and probe reads are counted apart.</summary>
    public long Requests => Latencies.Where(l => l.Key is not ("event_to_visible" or "webhook_ack" or "ack_to_visible") && !IsWindow(l.Key)).Sum(l => (long)l.Value.Count);

    public static bool IsWindow(string series) =>
        series.StartsWith("window_", StringComparison.Ordinal) || series.StartsWith("minute_", StringComparison.Ordinal);

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

    public long Errors => Count("errors");

    /// <summary>Errors by kind (<c>dashboard HTTP 500</c>, <c>webhook TaskCanceledException</c>, ...), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ErrorsByKind =>
        [.. Counts.Where(c => c.Key.StartsWith(Recorder.ErrorPrefix, StringComparison.Ordinal))
            .Select(c => KeyValuePair.Create(c.Key[Recorder.ErrorPrefix.Length..], c.Value))
            .OrderByDescending(c => c.Value)];

    /// <summary>Whether this phase failed: any error, a lost webhook, or a database check that could not run.</summary>
    public bool Failed => Errors > 0 || Verification is { Passed: false };
}
