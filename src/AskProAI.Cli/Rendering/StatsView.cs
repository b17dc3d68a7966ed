using System.Globalization;
using AskProAI.Contracts;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AskProAI.Cli.Rendering;

/// <summary>
/// The stats answer as Spectre tables: totals, queue, per widget, per tier, the slowest computations. The per-widget
/// and per-tier counters are one row each when the console is wide enough for that table (measured, not guessed), and
/// otherwise a compact block per widget with two counters a line, which reads at 80 columns and takes more counters
/// without getting wider.
/// </summary>
internal static class StatsView
{
    public static void Render(IAnsiConsole console, StatsResponse stats)
    {
        console.Write(Totals(stats));
        console.Write(Queue(stats.Queue));
        console.Write(Fitting(console, Widgets(stats.Widgets), () => CompactWidgets(stats.Widgets)));
        console.Write(Fitting(console, Tiers(stats.Tiers), () => CompactTiers(stats.Tiers)));
        console.Write(Slowest(stats.Slowest));
    }

    private static Table Fitting(IAnsiConsole console, Table wide, Func<Table> compact)
    {
        var width = ((IRenderable)wide).Measure(RenderOptions.Create(console), int.MaxValue).Max;
        return width <= console.Profile.Width ? wide : compact();
    }

    private static Table CompactWidgets(IReadOnlyList<WidgetStats> widgets)
    {
        var table = CompactTable("Per widget", "Widget");
        foreach (var widget in widgets.OrderBy(w => w.Widget, StringComparer.Ordinal))
        {
            var mean = widget.CachedSamples > 0 ? Units.Milliseconds(widget.CachedMeanMs) : "–";
            AddBlock(table, [widget.Widget, $"{widget.Tier ?? "–"} · {Mode(widget)}"], [.. Named(widget), ("Mean hit", mean)]);
        }

        return table;
    }

    private static Table CompactTiers(IReadOnlyList<TierStats> tiers)
    {
        var table = CompactTable("Per tier", "Tier");
        foreach (var tier in tiers)
        {
            AddBlock(table, [tier.Tier], Named(tier));
        }

        return table;
    }

    private static Table CompactTable(string title, string first) => new Table().Title(title)
        .AddColumn(new TableColumn(first).NoWrap())
        .AddColumn(new TableColumn(string.Empty).NoWrap())
        .AddColumn(new TableColumn(string.Empty).RightAligned().NoWrap())
        .AddColumn(new TableColumn(string.Empty).NoWrap())
        .AddColumn(new TableColumn(string.Empty).RightAligned().NoWrap());

    // One block: the names down the first column, the counters two a line beside them, an empty line after.
    private static void AddBlock(Table table, string[] names, (string Label, string Value)[] counters)
    {
        if (table.Rows.Count > 0)
        {
            table.AddEmptyRow();
        }

        var lines = Math.Max(names.Length, (counters.Length + 1) / 2);
        for (var line = 0; line < lines; line++)
        {
            var left = 2 * line < counters.Length ? counters[2 * line] : (Label: string.Empty, Value: string.Empty);
            var right = (2 * line) + 1 < counters.Length ? counters[(2 * line) + 1] : (Label: string.Empty, Value: string.Empty);
            table.AddRow(
                Markup.Escape(line < names.Length ? names[line] : string.Empty),
                Markup.Escape(left.Label),
                Markup.Escape(left.Value),
                Markup.Escape(right.Label),
                Markup.Escape(right.Value));
        }
    }

    private static Table Totals(StatsResponse stats)
    {
        var table = new Table().Title("Cache totals").AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("Hit ratio", Units.Ratio(stats.HitRatio));
        table.AddRow("Entries", Units.Count(stats.Entries));
        table.AddRow("Estimated memory", Units.Bytes(stats.EstimatedBytes));
        table.AddRow("Companies kept", Units.Count(stats.Companies));
        table.AddRow("Evictions", Units.Count(stats.Evictions));
        table.AddRow("Fallbacks", Units.Count(stats.Fallbacks));
        table.AddRow("Invalidations", Units.Count(stats.Invalidations));
        table.AddRow("Applied changes", Units.Count(stats.AppliedChanges));
        if (stats.Database is { } database)
        {
            table.AddRow("Database queries", Units.Count(database.Queries));
            table.AddRow("Slow database queries", Units.Count(database.SlowQueries));
        }

        if (stats.Memory is { } memory)
        {
            table.AddRow("Service working set", Units.Bytes(memory.WorkingSetBytes));
            table.AddRow("Service GC heap", Units.Bytes(memory.GcHeapBytes));
        }

        if (stats.Schedule is { } schedule)
        {
            var cron = string.IsNullOrEmpty(schedule.Cron) ? string.Empty : $" ({schedule.Cron} {schedule.TimeZone})";
            table.AddRow("Next scheduled warm", Markup.Escape(Units.Instant(schedule.NextWarm) + cron));
        }

        return table;
    }

    private static Table Queue(QueueStats? queue)
    {
        var table = new Table().Title("Refresh queue");
        foreach (var name in new[] { "Depth", "Capacity", "Workers", "Enqueued", "Completed", "Failed", "Rejected" })
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        if (queue is null)
        {
            return table.AddRow("–", "–", "–", "–", "–", "–", "–");
        }

        return table.AddRow(
            Units.Count(queue.Depth),
            Units.Count(queue.Capacity),
            Units.Count(queue.Workers),
            Units.Count(queue.Enqueued),
            Units.Count(queue.Completed),
            Units.Count(queue.Failed),
            Units.Count(queue.Rejected));
    }

    private static Table Widgets(IReadOnlyList<WidgetStats> widgets)
    {
        var table = new Table().Title("Per widget")
            .AddColumn(new TableColumn("Widget").NoWrap())
            .AddColumn(new TableColumn("Tier").NoWrap())
            .AddColumn(new TableColumn("Mode").NoWrap());
        AddCounterColumns(table);
        table.AddColumn(new TableColumn("Mean hit").RightAligned().NoWrap());
        foreach (var widget in widgets.OrderBy(w => w.Widget, StringComparer.Ordinal))
        {
            table.AddRow(
            [
                Markup.Escape(widget.Widget),
                Markup.Escape(widget.Tier ?? "–"),
                Markup.Escape(Mode(widget)),
                .. Counters(widget),
                widget.CachedSamples > 0 ? Units.Milliseconds(widget.CachedMeanMs) : "–",
            ]);
        }

        return table;
    }

    private static Table Tiers(IReadOnlyList<TierStats> tiers)
    {
        var table = new Table().Title("Per tier").AddColumn(new TableColumn("Tier").NoWrap());
        AddCounterColumns(table);
        foreach (var tier in tiers)
        {
            table.AddRow([Markup.Escape(tier.Tier), .. Counters(tier)]);
        }

        return table;
    }

    private static Table Slowest(IReadOnlyList<SlowStats> slowest)
    {
        var table = new Table().Title("Slowest computations")
            .AddColumn(new TableColumn("Widget").NoWrap())
            .AddColumn(new TableColumn("Company").RightAligned())
            .AddColumn(new TableColumn("Duration").RightAligned())
            .AddColumn(new TableColumn("When").NoWrap());
        foreach (var slow in slowest.OrderByDescending(s => s.DurationMs))
        {
            table.AddRow(
                Markup.Escape(slow.Widget),
                slow.CompanyId.ToString(CultureInfo.InvariantCulture),
                Units.Milliseconds(slow.DurationMs),
                Units.Instant(slow.At));
        }

        if (slowest.Count == 0)
        {
            table.Caption("No computations recorded yet.");
        }

        return table;
    }

    // A partial rollout shows its share: "Optimized 25 %" (the rest of the companies are on Legacy).
    private static string Mode(WidgetStats widget) =>
        widget.Mode == "Optimized" && widget.OptimizedPercent is { } percent and < 100
            ? $"Optimized {percent.ToString(CultureInfo.InvariantCulture)} %"
            : widget.Mode ?? "–";

    private static void AddCounterColumns(Table table)
    {
        foreach (var name in new[] { "Hit ratio", "Hits", "L2 hits", "Misses", "Stale hits", "Refreshes", "Errors", "Computations", "Mean compute", "Soft timeouts", "Hard timeouts" })
        {
            table.AddColumn(new TableColumn(name).RightAligned().NoWrap());
        }
    }

    private static string[] Counters(WidgetStats widget) => [.. Named(widget).Select(c => c.Value)];

    private static string[] Counters(TierStats tier) => [.. Named(tier).Select(c => c.Value)];

    private static (string Label, string Value)[] Named(WidgetStats w) =>
        Named(new CacheCounters(w.Hits, w.L2Hits, w.Misses, w.StaleHits, w.Refreshes, w.Errors, w.Computations, w.MeanComputeMs, w.HitRatio, w.SoftTimeouts, w.HardTimeouts));

    private static (string Label, string Value)[] Named(TierStats t) =>
        Named(new CacheCounters(t.Hits, t.L2Hits, t.Misses, t.StaleHits, t.Refreshes, t.Errors, t.Computations, t.MeanComputeMs, t.HitRatio, t.SoftTimeouts, t.HardTimeouts));

    // Labels as in AddCounterColumns. An idle widget has no hit ratio and no mean compute time: "–", not "0.0 %".
    private static (string Label, string Value)[] Named(CacheCounters counters) =>
    [
        ("Hit ratio", counters.Hits + counters.Misses + counters.StaleHits == 0 ? "–" : Units.Ratio(counters.HitRatio)),
        ("Hits", Units.Count(counters.Hits)),
        ("L2 hits", Units.Count(counters.L2Hits)),
        ("Misses", Units.Count(counters.Misses)),
        ("Stale hits", Units.Count(counters.StaleHits)),
        ("Refreshes", Units.Count(counters.Refreshes)),
        ("Errors", Units.Count(counters.Errors)),
        ("Computations", Units.Count(counters.Computations)),
        ("Mean compute", counters.Computations == 0 ? "–" : Units.Milliseconds(counters.MeanComputeMs)),
        ("Soft timeouts", Units.Count(counters.SoftTimeouts)),
        ("Hard timeouts", Units.Count(counters.HardTimeouts)),
    ];

    /// <summary>The counters a widget row and a tier row share (the contract declares the two rows apart).</summary>
    private readonly record struct CacheCounters(
        long Hits,
        long L2Hits,
        long Misses,
        long StaleHits,
        long Refreshes,
        long Errors,
        long Computations,
        double? MeanComputeMs,
        double? HitRatio,
        long SoftTimeouts,
        long HardTimeouts);
}
