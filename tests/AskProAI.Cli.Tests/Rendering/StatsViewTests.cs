using System.Text.Json;
using AskProAI.Cli.Api;
using AskProAI.Cli.Rendering;
using AskProAI.Cli.Tests.Infrastructure;
using AskProAI.Contracts;
using Spectre.Console.Testing;

namespace AskProAI.Cli.Tests.Rendering;

/// <summary>The stats answer rendered as tables, read back from Spectre's <see cref="TestConsole"/>.</summary>
public sealed class StatsViewTests
{
    private static string Render(int width = 220, string json = Samples.Stats)
    {
        var stats = JsonSerializer.Deserialize(json, AdminJsonContext.Default.StatsResponse)!;
        var console = new TestConsole().Width(width);
        StatsView.Render(console, stats);
        return console.Output;
    }

    private static string[] Row(string output, string first) =>
        output.Split('\n').First(line => line.Contains(" " + first + " ", StringComparison.Ordinal))
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(cell => cell.Length > 0)
            .ToArray();

    [Fact]
    public void Render_OneTitledTablePerSection()
    {
        var output = Render();

        foreach (var title in new[] { "Cache totals", "Refresh queue", "Per widget", "Per tier", "Slowest computations" })
        {
            Assert.Contains(title, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_WidgetRow_AllCountersAndMode()
    {
        var row = Row(Render(), "live_calls");

        Assert.Equal(["live_calls", "live", "Legacy", "100.0 %", "12,345", "2", "3", "4", "5", "6", "7", "1.23 s"], row[..12]);
    }

    [Fact]
    public void Render_WidgetRow_PartialRolloutAndHitLatency()
    {
        var row = Row(Render(), "dashboard_stats");

        Assert.Equal(["dashboard_stats", "heavy", "Optimized 25 %", "50.0 %", "1", "0", "1", "0", "0", "0", "1", "95.2 ms", "0", "0", "0.4 ms"], row);
    }

    [Fact]
    public void Render_WidgetRow_SoftAndHardTimeouts()
    {
        var output = Render();

        Assert.Contains("Soft timeouts", output, StringComparison.Ordinal);
        Assert.Contains("Hard timeouts", output, StringComparison.Ordinal);
        Assert.Equal(["1.23 s", "8", "9", "–"], Row(output, "live_calls")[^4..]);
    }

    [Fact]
    public void Render_TierRow_SoftAndHardTimeouts()
    {
        var tier = Render().Split('\n').Select(Cells).First(cells => cells.Length > 0 && cells[0] == "heavy");

        Assert.Equal(["95.2 ms", "1,234", "5"], tier[^3..]);
    }

    [Fact]
    public void Render_WidgetWithoutHitSamples_NoHitLatency()
    {
        var row = Row(Render(), "live_calls");

        Assert.Equal("–", row[^1]);
    }

    [Fact]
    public void Render_Totals_NextScheduledWarm()
    {
        Assert.Equal(["Next scheduled warm", "2026-03-02 02:00:00 UTC (0 3 * * * Europe/Berlin)"], Row(Render(), "Next scheduled warm"));
    }

    [Fact]
    public void Render_TierRow_NoDataShownAsDash()
    {
        var row = Row(Render(), "statistics");

        Assert.Equal(["statistics", "–", "0", "0", "0", "0", "0", "0", "0", "–", "0", "0"], row);
    }

    [Fact]
    public void Render_Totals_HumanUnits()
    {
        var output = Render();

        Assert.Equal(["Hit ratio", "93.0 %"], Row(output, "Hit ratio"));
        Assert.Equal(["Entries", "80"], Row(output, "Entries"));
        Assert.Equal(["Estimated memory", "120.6 KiB"], Row(output, "Estimated memory"));
        Assert.Equal(["Companies kept", "4,321"], Row(output, "Companies kept"));
        Assert.Equal(["Database queries", "1,234"], Row(output, "Database queries"));
        Assert.Equal(["Service working set", "150.0 MiB"], Row(output, "Service working set"));
        Assert.Equal(["Invalidations", "3"], Row(output, "Invalidations"));
        Assert.Equal(["Applied changes", "1,560"], Row(output, "Applied changes")); // writes applied in place: not invalidations
        Assert.Equal(["Fallbacks", "1"], Row(output, "Fallbacks"));
    }

    [Fact]
    public void Render_Queue_AllCounters()
    {
        var output = Render();
        var header = output.Split('\n').First(line => line.Contains("Capacity", StringComparison.Ordinal));
        var values = output.Split('\n').SkipWhile(line => line != header).Skip(2).First()
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(c => c.Length > 0);

        Assert.Equal(["7", "1,024", "2", "5", "4", "1", "0"], values);
    }

    [Fact]
    public void Render_Slowest_SlowestFirstInUtc()
    {
        var output = Render();

        var slowest = Row(output, "1.50 s");
        Assert.Equal(["live_calls", "12", "1.50 s", "2026-03-01 08:21:00 UTC"], slowest);
        Assert.True(
            output.IndexOf("1.50 s", StringComparison.Ordinal) < output.IndexOf("235.1 ms", StringComparison.Ordinal),
            "the slowest computation comes first");
    }

    [Fact]
    public void Render_EmptyStats_StillRenders()
    {
        var console = new TestConsole().Width(220);

        StatsView.Render(console, new StatsResponse());

        Assert.Contains("No computations recorded yet.", console.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void Render_NarrowConsole_CompactBlocksWithEveryValue(int width)
    {
        var output = Render(width);
        var lines = output.Split('\n');

        Assert.All(lines, line => Assert.True(line.TrimEnd().Length <= width, $"wider than {width}: {line}"));
        Assert.DoesNotContain("…", output, StringComparison.Ordinal);
        Assert.Equal(["live_calls", "Hit ratio", "100.0 %", "Hits", "12,345"], Row(output, "live_calls"));
        Assert.Equal(["live · Legacy", "L2 hits", "2", "Misses", "3"], Row(output, "live · Legacy"));
        Assert.Contains(lines, line => Cells(line).SequenceEqual(["Stale hits", "4", "Refreshes", "5"]));
        Assert.Contains(lines, line => Cells(line).SequenceEqual(["Errors", "6", "Computations", "7"]));
        Assert.Contains(lines, line => Cells(line).SequenceEqual(["Mean compute", "1.23 s", "Soft timeouts", "8"]));
        Assert.Contains(lines, line => Cells(line).SequenceEqual(["Hard timeouts", "9", "Mean hit", "–"]));
        Assert.Equal(["dashboard_stats", "Hit ratio", "50.0 %", "Hits", "1"], Row(output, "dashboard_stats"));
        Assert.Equal(["heavy · Optimized 25 %", "L2 hits", "0", "Misses", "1"], Row(output, "heavy · Optimized 25 %"));
        Assert.Equal(["statistics", "Hit ratio", "–", "Hits", "0"], Row(output, "statistics")); // with the timeout columns, the tier table is wider than 120 too
    }

    [Fact]
    public void Render_IdleWidget_DashNotZeroPercent()
    {
        const string Idle = """
            {"widgets": [{"widget": "recent_calls", "tier": "statistics", "mode": "Legacy", "hits": 0, "misses": 0, "staleHits": 0,
              "refreshes": 0, "errors": 0, "computations": 0, "meanComputeMs": 0, "hitRatio": 0}],
             "tiers": [], "slowest": []}
            """;

        Assert.Equal(["recent_calls", "statistics", "Legacy", "–", "0", "0", "0", "0", "0", "0", "0", "–", "0", "0", "–"], Row(Render(json: Idle), "recent_calls"));
        Assert.Equal(["recent_calls", "Hit ratio", "–", "Hits", "0"], Row(Render(80, Idle), "recent_calls"));
    }

    private static string[] Cells(string line) =>
        line.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(cell => cell.Length > 0).ToArray();

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(123456, "120.6 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5.0 GiB")]
    public void Bytes_HumanUnits(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Theory]
    [InlineData(0.4, "0.4 ms")]
    [InlineData(95.24, "95.2 ms")]
    [InlineData(1234, "1.23 s")]
    [InlineData(double.NaN, "–")]
    public void Milliseconds_HumanUnits(double milliseconds, string expected) => Assert.Equal(expected, Units.Milliseconds(milliseconds));
}
