using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AskProAI.LoadTest;

/// <summary>Writes the results as JSON, a markdown table and an SVG chart.</summary>
internal static class Report
{
    private static readonly string[] Series = ["dashboard", "dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    public static string Line(PhaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"   {r.Requests} requests, {r.RequestsPerSecond:F0}/s, dashboard p50 {P(r, "dashboard").P50:F2} ms p99 {P(r, "dashboard").P99:F2} ms, hit ratio {r.HitRatio:P1}, {r.QueriesPerDashboardView:F2} queries/dashboard, event->visible p99 {P(r, "event_to_visible").P99:F1} ms, stale reads {r.Count("stale_reads_after_ack")}, errors {r.Errors}");

    public static async Task WriteAsync(LoadOptions options, IReadOnlyList<PhaseResult> results, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new
        {
            options.Label,
            urls = options.Urls.Select(u => u.ToString()),
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
                r.DatabaseQueries,
                r.QueriesPerDashboardView,
                r.Errors,
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
        sb.AppendLine(CultureInfo.InvariantCulture, $"Load: {options.Label}, {options.Urls.Count} instance(s), {options.Companies} companies x {options.ViewersPerCompany} viewers, poll {options.PollInterval.TotalMilliseconds:F0} ms, {options.WebhooksPerSecond}/s webhooks, {options.Duration.TotalSeconds:F0} s per mode, seed {options.Seed}, {Environment.ProcessorCount} cores");
        sb.AppendLine();
        sb.AppendLine("| mode | req/s | dashboard p50 | p95 | p99 | dashboard_stats p50 | p99 | hit ratio | DB queries / dashboard | event→visible p50 | p99 | stale reads after ack | errors |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var d = P(r, "dashboard");
            var h = P(r, "dashboard_stats");
            var e = P(r, "event_to_visible");
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Mode} | {r.RequestsPerSecond:F0} | {d.P50:F2} ms | {d.P95:F2} ms | {d.P99:F2} ms | {h.P50:F2} ms | {h.P99:F2} ms | {r.HitRatio:P1} | {r.QueriesPerDashboardView:F3} | {e.P50:F1} ms | {e.P99:F1} ms | {r.Count("stale_reads_after_ack")} of {r.Count("webhooks_acknowledged")} | {r.Errors} |");
        }

        sb.AppendLine();
        sb.AppendLine("Dashboard p99 per 5-second window (ms):");
        sb.AppendLine();
        var windows = results.SelectMany(r => r.Latencies.Keys).Where(k => k.StartsWith("window_", StringComparison.Ordinal)).Distinct().Order(StringComparer.Ordinal).ToArray();
        sb.AppendLine("| mode | " + string.Join(" | ", windows.Select(w => (int.Parse(w[7..], CultureInfo.InvariantCulture) * 5).ToString(CultureInfo.InvariantCulture) + " s")) + " |");
        sb.AppendLine("|---|" + string.Concat(windows.Select(_ => "---:|")));
        foreach (var r in results)
        {
            sb.AppendLine("| " + r.Mode + " | " + string.Join(" | ", windows.Select(w => P(r, w).P99.ToString("F1", CultureInfo.InvariantCulture))) + " |");
        }

        var disabled = results.FirstOrDefault(r => r.Mode == "Disabled");
        var optimized = results.FirstOrDefault(r => r.Mode == "Optimized");
        if (disabled is not null && optimized is not null)
        {
            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"Optimized against Disabled: dashboard p50 {Ratio(P(disabled, "dashboard").P50, P(optimized, "dashboard").P50)}x faster, dashboard_stats p50 {Ratio(P(disabled, "dashboard_stats").P50, P(optimized, "dashboard_stats").P50)}x faster, DB queries per dashboard {(1 - (optimized.QueriesPerDashboardView / Math.Max(disabled.QueriesPerDashboardView, 1e-9))):P2} fewer.");
        }

        return sb.ToString();
    }

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
