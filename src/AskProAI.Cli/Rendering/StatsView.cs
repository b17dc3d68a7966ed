using System.Globalization;
using AskProAI.Cli.Api;
using Spectre.Console;

namespace AskProAI.Cli.Rendering;

/// <summary>The stats answer as Spectre tables: totals, queue, per widget, per tier, the slowest computations.</summary>
internal static class StatsView
{
    public static void Render(IAnsiConsole console, StatsResponse stats)
    {
        console.Write(Totals(stats));
        console.Write(Queue(stats.Queue));
        console.Write(Widgets(stats.Widgets));
        console.Write(Tiers(stats.Tiers));
        console.Write(Slowest(stats.Slowest));
    }

    private static Table Totals(StatsResponse stats)
    {
        var table = new Table().Title("Cache totals").AddColumn("Metric").AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("Hit ratio", Units.Ratio(stats.HitRatio));
        table.AddRow("Entries", Units.Count(stats.Entries));
        table.AddRow("Estimated memory", Units.Bytes(stats.EstimatedBytes));
        table.AddRow("Evictions", Units.Count(stats.Evictions));
        table.AddRow("Fallbacks", Units.Count(stats.Fallbacks));
        table.AddRow("Invalidations", Units.Count(stats.Invalidations));
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

    private static Table Slowest(IReadOnlyList<SlowComputation> slowest)
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
        foreach (var name in new[] { "Hit ratio", "Hits", "L2 hits", "Misses", "Stale hits", "Refreshes", "Errors", "Computations", "Mean compute" })
        {
            table.AddColumn(new TableColumn(name).RightAligned().NoWrap());
        }
    }

    private static string[] Counters(CacheCounters counters) =>
    [
        Units.Ratio(counters.HitRatio),
        Units.Count(counters.Hits),
        Units.Count(counters.L2Hits),
        Units.Count(counters.Misses),
        Units.Count(counters.StaleHits),
        Units.Count(counters.Refreshes),
        Units.Count(counters.Errors),
        Units.Count(counters.Computations),
        Units.Milliseconds(counters.MeanComputeMs),
    ];
}
