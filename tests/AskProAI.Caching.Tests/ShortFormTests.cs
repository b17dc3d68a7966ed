using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AskProAI.Caching.Tests;

/// <summary>
/// The short form that opens docs/engine.md, line for line: add caching, add a widget, read it. The first read computes,
/// the second is a hit; no logging, no lookup by name.
/// </summary>
public class ShortFormTests
{
    [Fact]
    public async Task ShortForm_AsDocumented_ComputesOnceThenHits()
    {
        var builder = Host.CreateApplicationBuilder();
        var db = new StatsSource();
        var companyId = 7;
        var ct = CancellationToken.None;

        // docs/engine.md, the short form:
        var caching = builder.Services.AddAskProCaching();
        var stats = caching.AddWidget("dashboard_stats", WidgetTier.Heavy);
        using var host = builder.Build();
        await host.StartAsync(ct);
        var result = await stats.GetOrComputeAsync(companyId, db, ComputeStatsAsync, ct);
        var again = await stats.GetOrComputeAsync(companyId, db, ComputeStatsAsync, ct);

        Assert.Equal((CacheOutcome.Miss, 7 * 100), (result.Outcome, result.Value.Calls));
        Assert.Equal((CacheOutcome.Hit, 7 * 100), (again.Outcome, again.Value.Calls));
        Assert.Equal(1, db.Queries);
        await host.StopAsync(ct);
    }

    [Fact]
    public async Task ShortForm_TheDocsOpenWithTheseLines()
    {
        var docs = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "docs", "engine.md"));
        var firstBlock = docs[(docs.IndexOf("```csharp", StringComparison.Ordinal) + 9)..];
        firstBlock = firstBlock[..firstBlock.IndexOf("```", StringComparison.Ordinal)];

        Assert.Contains("var caching = builder.Services.AddAskProCaching();", firstBlock, StringComparison.Ordinal);
        Assert.Contains("var stats = caching.AddWidget(\"dashboard_stats\", WidgetTier.Heavy);", firstBlock, StringComparison.Ordinal);
        Assert.Contains("var result = await stats.GetOrComputeAsync(companyId, db, ComputeStatsAsync, ct);", firstBlock, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddWidget_HandleIsInjectableByName_AndTheRegistrationSaysWhenItIsNotBoundYet()
    {
        var services = new ServiceCollection();
        var stats = services.AddAskProCaching().AddWidget("dashboard_stats", WidgetTier.Heavy).AddWidget("live_calls", WidgetTier.Live);
        await using var provider = services.BuildServiceProvider();

        var unbound = Assert.Throws<InvalidOperationException>(() => stats.Handle);
        Assert.Contains("'live_calls' is not bound to a cache yet", unbound.Message, StringComparison.Ordinal);
        var handle = provider.GetRequiredKeyedService<WidgetHandle>("live_calls");

        Assert.Same(handle, stats.Handle);
        Assert.Equal(WidgetTier.Live, handle.Tier);
        Assert.True(provider.GetRequiredService<IWidgetCache>().TryGetWidget("dashboard_stats", out _));
    }

    private static ValueTask<DashboardStats> ComputeStatsAsync(StatsSource db, WidgetComputeContext context, CancellationToken cancellationToken) =>
        new(new DashboardStats(db.CallsOf(context.CompanyId)));

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AskProAI.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AskProAI.slnx not found above " + AppContext.BaseDirectory);
    }

    private sealed record DashboardStats(int Calls);

    /// <summary>Stands for the database: counts its queries.</summary>
    private sealed class StatsSource
    {
        private int _queries;

        public int Queries => _queries;

        public int CallsOf(int companyId)
        {
            Interlocked.Increment(ref _queries);
            return companyId * 100;
        }
    }
}
