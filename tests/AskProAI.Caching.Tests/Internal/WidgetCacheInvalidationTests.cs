namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheInvalidationTests
{
    private static async Task<(CacheFixture F, Counter C)> WarmAsync()
    {
        var f = new CacheFixture();
        var c = new Counter();
        foreach (var company in new[] { 1, 2 })
        {
            foreach (var w in new[] { f.Live, f.Recent, f.Widget("stats_overview"), f.Heavy })
            {
                await f.GetAsync(w, company, c);
            }
        }

        return (f, c);
    }

    private static async Task<string[]> HitsAsync(CacheFixture f, Counter c)
    {
        var hits = new List<string>();
        foreach (var company in new[] { 1, 2 })
        {
            foreach (var w in new[] { f.Live, f.Recent, f.Widget("stats_overview"), f.Heavy })
            {
                if (f.Cache.IsCached(w, company))
                {
                    hits.Add($"{w.Name}:{company}");
                }
            }
        }

        await Task.CompletedTask;
        return [.. hits];
    }

    [Fact]
    public async Task Invalidate_All_DropsEverything()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.All);
        Assert.Empty(await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_Company_DropsOnlyThatCompany()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        Assert.Equal(["live_calls:2", "recent_calls:2", "stats_overview:2", "dashboard_stats:2"], await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_DataType_DropsThatTierEverywhere()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.DataType(WidgetTier.Live));
        Assert.Equal(
            ["recent_calls:1", "stats_overview:1", "dashboard_stats:1", "recent_calls:2", "stats_overview:2", "dashboard_stats:2"],
            await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_CompanyDataType_DropsThatTierOfThatCompany()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.CompanyDataType(2, WidgetTier.Statistics));
        Assert.Equal(
            ["live_calls:1", "recent_calls:1", "stats_overview:1", "dashboard_stats:1", "live_calls:2", "dashboard_stats:2"],
            await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_CompanyWidget_DropsOnlyThatWidgetOfThatCompany()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 1));
        Assert.Equal(
            ["live_calls:1", "stats_overview:1", "dashboard_stats:1", "live_calls:2", "recent_calls:2", "stats_overview:2", "dashboard_stats:2"],
            await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_SeveralTagsTogether_DropsWhatEachWouldAndReportsThemAll()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        var result = await f.Cache.InvalidateAsync([CacheTag.CompanyWidget("recent_calls", 1), CacheTag.CompanyWidget("dashboard_stats", 2)]);
        Assert.Equal(["widget:recent_calls:1", "widget:dashboard_stats:2"], result.Tags);
        Assert.Equal(
            ["live_calls:1", "stats_overview:1", "dashboard_stats:1", "live_calls:2", "recent_calls:2", "stats_overview:2"],
            await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_Widget_DropsThatWidgetEverywhere()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        await f.Cache.InvalidateAsync(CacheTag.Widget("dashboard_stats"));
        Assert.Equal(
            ["live_calls:1", "recent_calls:1", "stats_overview:1", "live_calls:2", "recent_calls:2", "stats_overview:2"],
            await HitsAsync(f, c));
    }

    [Fact]
    public async Task Invalidate_ThenGet_RecomputesWithNewValue()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        var before = await f.GetAsync(f.Recent, 1, c);
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        var after = await f.GetAsync(f.Recent, 1, c);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.NotEqual(before.Value, after.Value);
    }

    [Fact]
    public async Task Invalidate_UnknownCompanyOrWidget_ChangesNothingAndSaysScope()
    {
        var (f, c) = await WarmAsync();
        await using var _ = f;
        var result = await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("no_such_widget", 77));
        Assert.Equal(["widget:no_such_widget:77"], result.Tags);
        Assert.Contains("company 77", result.Scope, StringComparison.Ordinal);
        Assert.Equal(8, (await HitsAsync(f, c)).Length);
    }

    [Fact]
    public async Task Invalidate_DuringComputation_ValueIsNotStoredAsFresh()
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource();
        var computations = 0;
        var first = f.Cache.GetOrComputeAsync(f.Recent, 1, gate, async (g, _, _) =>
        {
            Interlocked.Increment(ref computations);
            await g.Task;
            return "old";
        }).AsTask();

        // The write commits and invalidates while the old computation is still running.
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 1));

        // A reader arriving after the invalidation must not join the old computation.
        var second = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<string>("new"));
        Assert.Equal("new", second.Value);

        gate.SetResult();
        Assert.Equal("old", (await first).Value);

        var third = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<string>("newer"));
        Assert.Equal(CacheOutcome.Hit, third.Outcome);
        Assert.Equal("new", third.Value);
    }

    [Fact]
    public async Task Invalidate_DuringComputationWithNoOtherReader_NextReadRecomputes()
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource();
        var first = f.Cache.GetOrComputeAsync(f.Heavy, 3, gate, async (g, _, _) =>
        {
            await g.Task;
            return 1;
        }).AsTask();
        await f.Cache.InvalidateAsync(CacheTag.Company(3));
        gate.SetResult();
        await first;

        Assert.False(f.Cache.IsCached(f.Heavy, 3));
        var next = await f.Cache.GetOrComputeAsync(f.Heavy, 3, 0, (_, _, _) => new ValueTask<int>(2));
        Assert.Equal((CacheOutcome.Miss, 2), (next.Outcome, next.Value));
    }

    [Fact]
    public async Task Invalidate_ManyEntries_DoesNotWalkKeys()
    {
        await using var f = new CacheFixture(o => o.MaxEntries = 1_000_000);
        var counter = new Counter();
        for (var c = 1; c <= 5000; c++)
        {
            await f.GetAsync(f.Recent, c, counter);
        }

        var entries = f.Cache.GetStatistics().Entries;
        await f.Cache.InvalidateAsync(CacheTag.DataType(WidgetTier.Statistics));

        // Entries are still held (removed lazily by the sweeper), yet none is served.
        Assert.Equal(entries, f.Cache.GetStatistics().Entries);
        Assert.False(f.Cache.IsCached(f.Recent, 4321));
    }
}
