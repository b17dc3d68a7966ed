using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AskProAI.LoadTest;

/// <summary>Writes the results as JSON, a markdown table and an SVG chart.</summary>
internal static class Report
{
    private static readonly string[] Series = ["dashboard", "dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    private const double MiB = 1024 * 1024;

    public static string Line(PhaseResult r)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"   {r.Requests} requests, {r.RequestsPerSecond:F0}/s, dashboard p50 {P(r, "dashboard").P50:F2} ms p99 {P(r, "dashboard").P99:F2} ms, hit ratio {r.HitRatio:P1}, {Counted(r, r.QueriesPerDashboardView, "F2")} queries/dashboard ({Counted(r, r.ReadQueriesPerDashboardView, "F4")} read path), DB {F(r.DatabaseMsPerDashboardView)} ms/dashboard, DB {F(r.DatabaseMsPerWebhook)} ms/webhook, event->visible p99 {P(r, "event_to_visible").P99:F1} ms, webhooks {r.Count("webhooks_acknowledged_call_started")} starts / {r.Count("webhooks_acknowledged_call_ended")} ends, stale reads {r.Count("stale_reads_after_ack")} ({r.Count("stale_reads_after_ack_call_ended")} after an end), errors {r.Errors}");
        if (r.Errors > 0)
        {
            sb.Append(" (").AppendJoin(", ", r.ErrorsByKind.Select(e => $"{e.Key}: {e.Value}")).Append(')');
        }

        if (r.Verification is { } v)
        {
            sb.AppendLine().Append("   ").Append(VerificationText(v));
        }

        foreach (var m in r.MemoryVerdicts)
        {
            sb.AppendLine().Append("   ").Append(MemoryText(r, m));
        }

        return sb.ToString();
    }

    private static string F(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "–";

    /// <summary>A query figure, or "–" when the instances' command counts could not be read for the phase.</summary>
    private static string Counted(PhaseResult r, double value, string format) =>
        r.QueriesCounted ? value.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string VerificationText(DatabaseVerification v) => v.Error is not null
        ? $"webhooks: {v.Sent} sent, {v.Acknowledged} acknowledged; database check FAILED to run: {v.Error}"
        : string.Create(CultureInfo.InvariantCulture,
            $"webhooks: {v.Sent} sent, {v.Acknowledged} acknowledged, {v.FoundInDatabase} found in database, {v.Lost} lost{(v.Lost > 0 ? " (" + string.Join(", ", v.LostSample) + ")" : "")}; {v.Unacknowledged} not acknowledged, of which {v.UnacknowledgedStored} stored anyway");

    private static string MemoryText(PhaseResult r, MemoryVerdict m)
    {
        var mine = r.Memory.Where(s => s.Instance == m.Instance && s.WorkingSetBytes is not null).ToList();
        var first = mine.Count > 0 ? mine[0].WorkingSetBytes / MiB : null;
        var end = mine.Count > 0 ? mine[^1].WorkingSetBytes / MiB : null;
        var verdict = m.LevelsOff switch
        {
            true => "levels off",
            false => "DOES NOT level off",
            null => "not judged (too few samples)",
        };

        // Without a gen2 collection the heap "after the last collection" still holds every object promoted and since dead.
        var gen2 = r.Memory.Where(s => s.Instance == m.Instance && s.Gen2Collections is not null).ToList();
        var gen2During = gen2.Count > 1 ? gen2[^1].Gen2Collections - gen2[0].Gen2Collections : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"instance {Name(m.Instance)}: working set {first:F0} MiB at start, {end:F0} MiB at end; highest middle third {m.MiddleMaxBytes / MiB:F0} MiB, last third {m.LastMaxBytes / MiB:F0} MiB ({m.Growth:+0.0%;-0.0%}): {verdict}; GC heap highest middle {m.MiddleHeapMaxBytes / MiB:F0} MiB, last {m.LastHeapMaxBytes / MiB:F0} MiB ({m.HeapGrowth:+0.0%;-0.0%}), gen2 collections during the phase: {gen2During:F0}");
    }

    /// <summary>Instances are named A, B, ... in the order of <c>--instance-url</c> (or <c>--url</c> without it).</summary>
    private static string Name(int instance) => ((char)('A' + instance)).ToString();

    public static async Task WriteAsync(LoadOptions options, IReadOnlyList<PhaseResult> results, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new
        {
            options.Label,
            urls = options.Urls.Select(u => u.ToString()),
            instanceUrls = options.InstanceUrls.Select(u => u.ToString()),
            options.Companies,
            options.ViewersPerCompany,
            pollMs = options.PollInterval.TotalMilliseconds,
            durationS = options.Duration.TotalSeconds,
            options.WebhooksPerSecond,
            options.Seed,
            machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString(), runtime = Environment.Version.ToString() },
            phases = results.Select(r => new
            {
                r.Mode,
                elapsedS = r.Elapsed.TotalSeconds,
                r.Requests,
                r.RequestsPerSecond,
                r.HitRatio,
                r.QueriesCounted,
                r.DatabaseQueries,
                r.QueriesPerDashboardView,
                r.WidgetQueries,
                r.ReadQueriesPerDashboardView,
                r.ReadDbMsPerDashboardView,
                r.OtherQueriesPerWebhook,
                r.DatabaseSeconds,
                r.DatabaseMsPerDashboardView,
                r.DatabaseMsPerWebhook,
                r.Errors,
                errorsByKind = r.ErrorsByKind.ToDictionary(e => e.Key, e => e.Value),
                webhooks = r.Verification,
                memoryRule = MemoryVerdict.Rule,
                memory = Enumerable.Range(0, options.MetricsUrls.Count).Select(i => new
                {
                    instance = Name(i),
                    url = options.MetricsUrls[i].ToString(),
                    verdict = r.MemoryVerdicts.FirstOrDefault(v => v.Instance == i),
                    samples = r.Memory.Where(s => s.Instance == i),
                }),
                latencies = r.Latencies,
                counts = r.Counts,
            }),
        }, new JsonSerializerOptions { WriteIndented = true });
        var stem = Path.Combine(options.Output, $"load-{options.Label}");
        await File.WriteAllTextAsync(stem + ".json", json, ct);
        await File.WriteAllTextAsync(stem + ".md", Markdown(options, results), ct);
        await File.WriteAllTextAsync(stem + ".svg", Svg(options, results), ct);
    }

    public static string Markdown(LoadOptions options, IReadOnlyList<PhaseResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Load: {options.Label}, {options.MetricsUrls.Count} instance(s){(options.InstanceUrls.Count > 0 ? " behind " + string.Join(',', options.Urls) : string.Empty)}, {options.Companies} companies x {options.ViewersPerCompany} viewers, poll {options.PollInterval.TotalMilliseconds:F0} ms, {options.WebhooksPerSecond}/s webhooks ({(options.StartsOnly ? "call starts only" : string.Create(CultureInfo.InvariantCulture, $"call stream: each start ended after {options.CallDuration.Min.TotalSeconds:F0}-{options.CallDuration.Max.TotalSeconds:F0} s"))}){(options.PeakFactor > 1 ? string.Create(CultureInfo.InvariantCulture, $" ({options.WebhooksPerSecond * options.PeakFactor}/s in the middle third)") : string.Empty)}, {options.Duration.TotalSeconds:F0} s per mode, seed {options.Seed}, {Environment.ProcessorCount} cores");
        sb.AppendLine();
        sb.AppendLine("| mode | req/s | dashboard p50 | p95 | p99 | dashboard_stats p50 | p99 | hit ratio | DB queries / dashboard | read-path queries / dashboard | read-path DB ms / dashboard | other queries / webhook | DB ms / dashboard | DB ms / webhook | event→visible p50 | p99 | ack→visible p99 | stale reads after ack | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var d = P(r, "dashboard");
            var h = P(r, "dashboard_stats");
            var e = P(r, "event_to_visible");
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Mode} | {r.RequestsPerSecond:F0} | {d.P50:F2} ms | {d.P95:F2} ms | {d.P99:F2} ms | {h.P50:F2} ms | {h.P99:F2} ms | {r.HitRatio:P1} | {Counted(r, r.QueriesPerDashboardView, "F3")} | {Counted(r, r.ReadQueriesPerDashboardView, "F4")} | {Counted(r, r.ReadDbMsPerDashboardView, "F3")} | {Counted(r, r.OtherQueriesPerWebhook, "F2")} | {F(r.DatabaseMsPerDashboardView)} | {F(r.DatabaseMsPerWebhook)} | {e.P50:F1} ms | {e.P99:F1} ms | {P(r, "ack_to_visible").P99:F1} ms | {r.Count("stale_reads_after_ack")} of {r.Count("webhooks_acknowledged")} | {r.Errors} |");
        }

        foreach (var r in results)
        {
            SoakSections(sb, options, r);
        }

        // A long run (a soak) has its shape over time in the per-minute table instead; the JSON keeps every window.
        var windows = results.SelectMany(r => r.Latencies.Keys).Where(k => k.StartsWith("window_", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (windows.Length <= 60)
        {
            sb.AppendLine();
            sb.AppendLine("Dashboard p99 per 5-second window (ms):");
            sb.AppendLine();
            sb.AppendLine("| mode | " + string.Join(" | ", windows.Select(w => (int.Parse(w[7..], CultureInfo.InvariantCulture) * 5).ToString(CultureInfo.InvariantCulture) + " s")) + " |");
            sb.AppendLine("|---|" + string.Concat(windows.Select(_ => "---:|")));
            foreach (var r in results)
            {
                sb.AppendLine("| " + r.Mode + " | " + string.Join(" | ", windows.Select(w => P(r, w).P99.ToString("F1", CultureInfo.InvariantCulture))) + " |");
            }
        }

        var disabled = results.FirstOrDefault(r => r.Mode == "Disabled");
        var optimized = results.FirstOrDefault(r => r.Mode == "Optimized");
        if (disabled is not null && optimized is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Optimized against Disabled: dashboard p50 {Ratio(P(disabled, "dashboard").P50, P(optimized, "dashboard").P50)}x faster, dashboard_stats p50 {Ratio(P(disabled, "dashboard_stats").P50, P(optimized, "dashboard_stats").P50)}x faster, DB queries per dashboard {(1 - (optimized.QueriesPerDashboardView / Math.Max(disabled.QueriesPerDashboardView, 1e-9))):P2} fewer (all commands), read-path queries per dashboard {(1 - (optimized.ReadQueriesPerDashboardView / Math.Max(disabled.ReadQueriesPerDashboardView, 1e-9))):P2} fewer.");
        }

        return sb.ToString();
    }

    /// <summary>Webhooks against the database, errors by kind, and memory per minute with the levels-off verdict.</summary>
    private static void SoakSections(StringBuilder sb, LoadOptions options, PhaseResult r)
    {
        var heading = options.Modes.Count > 1 ? " (" + r.Mode + ")" : string.Empty;
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Webhooks{heading}:");
        sb.AppendLine();
        sb.AppendLine("| sent | acknowledged | starts acknowledged | ends acknowledged | found in database | lost | not acknowledged | of those stored | `duplicate` answers | stale reads after ack (after a start / an end) | not visible within 2 s (after one read) | not sent (queued at the end) |");
        sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var v = r.Verification;
        string Checked(Func<DatabaseVerification, int> f) => v is null ? "not checked" : v.Error is not null ? "check failed" : f(v).ToString(CultureInfo.InvariantCulture);
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {v?.Sent.ToString(CultureInfo.InvariantCulture) ?? "–"} | {r.Count("webhooks_acknowledged")} | {r.Count("webhooks_acknowledged_call_started")} | {r.Count("webhooks_acknowledged_call_ended")} | {Checked(x => x.FoundInDatabase)} | {Checked(x => x.Lost)} | {v?.Unacknowledged.ToString(CultureInfo.InvariantCulture) ?? "–"} | {Checked(x => x.UnacknowledgedStored)} | {r.Count("webhook_result_duplicate")} | {r.Count("stale_reads_after_ack")} ({r.Count("stale_reads_after_ack_call_started")} / {r.Count("stale_reads_after_ack_call_ended")}) | {r.Count("not_visible_within_2s")} ({r.Count("not_visible_within_2s_after_one_read")}) | {r.Count("webhooks_not_sent_phase_ended")} |");
        if (v is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Database check ({v.Database}): {VerificationText(v)}.");
        }

        // When in the run (5-second windows, from the start of the measured load): a fault run tells stale reads during the fault from after it.
        const string staleAt = "stale_reads_after_ack_at_";
        var staleWindows = r.Counts.Where(c => c.Key.StartsWith(staleAt, StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Stale reads after ack by 5-second window{heading}: {(staleWindows.Count == 0 ? "none" : string.Join(", ", staleWindows.Select(c => $"{int.Parse(c.Key[staleAt.Length..^1], CultureInfo.InvariantCulture)}–{int.Parse(c.Key[staleAt.Length..^1], CultureInfo.InvariantCulture) + 5} s × {c.Value}")))}.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Errors by kind{heading}: {(r.Errors == 0 ? "none" : string.Join(", ", r.ErrorsByKind.Select(e => $"{e.Key} × {e.Value}")))}.");
        var http5xx = Enumerable.Range(0, options.MetricsUrls.Count)
            .Select(i => (i, r.Memory.Where(s => s.Instance == i && s.Http5xx is not null).ToList()))
            .Where(x => x.Item2.Count > 1)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{Name(x.i)} {x.Item2[^1].Http5xx - x.Item2[0].Http5xx:F0}"));
        sb.AppendLine(CultureInfo.InvariantCulture, $"Server-side 5xx answers during the phase (from /metrics): {string.Join(", ", http5xx)}.");
        var redis = Enumerable.Range(0, options.MetricsUrls.Count)
            .Select(i => (i, r.Memory.Where(s => s.Instance == i && s.RedisFailures is not null).ToList()))
            .Where(x => x.Item2.Count > 1)
            .Select(x => string.Create(CultureInfo.InvariantCulture, $"{Name(x.i)} {x.Item2[^1].RedisFailures - x.Item2[0].RedisFailures:F0}"))
            .ToList();
        if (redis.Count > 0)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Redis operation failures during the phase (from /metrics): {string.Join(", ", redis)}.");
        }

        if (r.Memory.Count == 0)
        {
            return;
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Per minute{heading}: dashboard latency; per instance the highest working set and GC heap (after the last collection) of the samples taken every {options.MemorySampleInterval.TotalSeconds:F0} s, L1 entries at the minute's last sample, and CPU (100 % = one core):");
        sb.AppendLine();
        var instances = Enumerable.Range(0, options.MetricsUrls.Count).ToArray();
        sb.Append("| minute | dashboard p50 | p99 |");
        foreach (var i in instances)
        {
            sb.Append(CultureInfo.InvariantCulture, $" {Name(i)} working set MiB | {Name(i)} GC heap MiB | {Name(i)} L1 entries | {Name(i)} CPU |");
        }

        sb.AppendLine();
        sb.Append("|---:|---:|---:|").AppendLine(string.Concat(instances.Select(_ => "---:|---:|---:|---:|")));
        // The phase ends a fraction of a second after its duration: that spill belongs to the last minute.
        var minutes = Math.Max(1, (int)Math.Ceiling((r.Elapsed.TotalSeconds - 5) / 60));
        for (var m = 0; m < minutes; m++)
        {
            var d = P(r, string.Create(CultureInfo.InvariantCulture, $"minute_{m:D3}"));
            sb.Append(CultureInfo.InvariantCulture, $"| {m}–{m + 1} | {d.P50:F1} ms | {d.P99:F1} ms |");
            foreach (var i in instances)
            {
                // The end-of-phase sample belongs to the last minute.
                var inMinute = r.Memory.Where(s => s.Instance == i && Math.Min((int)(s.AtSeconds / 60), minutes - 1) == m).ToList();
                var before = r.Memory.LastOrDefault(s => s.Instance == i && s.AtSeconds < m * 60.0 && s.CpuSeconds is not null) ?? inMinute.FirstOrDefault();
                var lastInMinute = inMinute.LastOrDefault();
                var cpu = before is { CpuSeconds: { } c0 } && lastInMinute is { CpuSeconds: { } c1 } && lastInMinute.AtSeconds > before.AtSeconds
                    ? ((c1 - c0) / (lastInMinute.AtSeconds - before.AtSeconds)).ToString("P0", CultureInfo.InvariantCulture)
                    : "–";
                sb.Append(CultureInfo.InvariantCulture,
                    $" {Mb(inMinute.Select(s => s.WorkingSetBytes).Max())} | {Mb(inMinute.Select(s => s.GcHeapBytes).Max())} | {lastInMinute?.CacheEntries?.ToString("F0", CultureInfo.InvariantCulture) ?? "–"} | {cpu} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Memory: {MemoryVerdict.Rule}.");
        sb.AppendLine();
        foreach (var m in r.MemoryVerdicts)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {MemoryText(r, m)} ({options.MetricsUrls[m.Instance]})");
        }
    }

    private static string Mb(double? bytes) => bytes is { } b ? (b / MiB).ToString("F0", CultureInfo.InvariantCulture) : "–";

    private static string Ratio(double a, double b) => b <= 0 ? "∞" : (a / b).ToString("F0", CultureInfo.InvariantCulture);

    private static LatencySummary P(PhaseResult r, string series) =>
        r.Latencies.TryGetValue(series, out var s) ? s : new LatencySummary(0, 0, 0, 0, 0, 0);

    /// <summary>Grouped bars of p50 and p99 per series and mode, on a log scale.</summary>
    private static string Svg(LoadOptions options, IReadOnlyList<PhaseResult> results)
    {
        const int width = 900, height = 420, left = 70, bottom = 340, top = 40;
        var colors = new[] { "#94a3b8", "#f59e0b", "#2563eb", "#10b981" };
        var max = Math.Max(1, results.SelectMany(r => Series.Select(s => P(r, s).P99)).DefaultIfEmpty(1).Max());
        var min = 0.01;
        double Y(double v) => bottom - ((Math.Log10(Math.Max(v, min)) - Math.Log10(min)) / (Math.Log10(max * 2) - Math.Log10(min)) * (bottom - top));
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"22\" font-size=\"15\">Latency per request, ms, log scale (bar p50, tick p99) — {options.Label}</text>");
        for (var decade = -2; Math.Pow(10, decade) <= max * 2; decade++)
        {
            var y = Y(Math.Pow(10, decade));
            sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" x2=\"{width - 10}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#e5e7eb\"/><text x=\"{left - 8}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{Math.Pow(10, decade).ToString(CultureInfo.InvariantCulture)}</text>");
        }

        var groupWidth = (width - left - 20) / (double)Series.Length;
        var barWidth = groupWidth / (results.Count + 1);
        for (var s = 0; s < Series.Length; s++)
        {
            var x0 = left + (s * groupWidth) + (barWidth / 2);
            sb.AppendLine(CultureInfo.InvariantCulture, $"<text x=\"{left + (s * groupWidth) + (groupWidth / 2):F1}\" y=\"{bottom + 18}\" text-anchor=\"middle\">{Series[s]}</text>");
            for (var m = 0; m < results.Count; m++)
            {
                var p = P(results[m], Series[s]);
                var x = x0 + (m * barWidth);
                var y50 = Y(p.P50);
                sb.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{x:F1}\" y=\"{y50:F1}\" width=\"{barWidth - 4:F1}\" height=\"{bottom - y50:F1}\" fill=\"{colors[m % colors.Length]}\"/>");
                var y99 = Y(p.P99);
                sb.AppendLine(CultureInfo.InvariantCulture, $"<line x1=\"{x:F1}\" x2=\"{x + barWidth - 4:F1}\" y1=\"{y99:F1}\" y2=\"{y99:F1}\" stroke=\"#111827\" stroke-width=\"2\"/>");
            }
        }

        for (var m = 0; m < results.Count; m++)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"<rect x=\"{left + (m * 140)}\" y=\"{bottom + 40}\" width=\"12\" height=\"12\" fill=\"{colors[m % colors.Length]}\"/><text x=\"{left + (m * 140) + 18}\" y=\"{bottom + 51}\">{results[m].Mode}</text>");
        }

        sb.AppendLine("</svg>");
        return sb.ToString();
    }
}
