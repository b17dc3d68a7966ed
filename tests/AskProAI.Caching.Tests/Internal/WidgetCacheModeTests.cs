namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheModeTests
{
    [Fact]
    public async Task Legacy_StaticKeyFixedTtl_SurvivesBucketChangeAndIgnoresInvalidation()
    {
        await using var f = new CacheFixture(o => o.Mode = CacheMode.Legacy);
        var counter = new Counter();
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Live, 1, counter)).Outcome);
        f.Time.Advance(TimeSpan.FromMinutes(10)); // new minute and beyond the live TTL: Legacy does not care
        await f.Cache.InvalidateAsync(CacheTag.All);
        var hit = await f.GetAsync(f.Live, 1, counter);
        Assert.Equal((CacheOutcome.Hit, 1), (hit.Outcome, hit.Value));
        f.Time.Advance(TimeSpan.FromMinutes(5)); // 900 s after the computation
        Assert.Equal((CacheOutcome.Miss, 2), ((await f.GetAsync(f.Live, 1, counter)).Outcome, counter.Count));
    }

    [Fact]
    public async Task Legacy_ConcurrentColdCallers_EachComputes()
    {
        await using var f = new CacheFixture(o => o.Mode = CacheMode.Legacy);
        var gate = new TaskCompletionSource();
        var computations = 0;
        var tasks = Enumerable.Range(0, 10).Select(_ => f.Cache.GetOrComputeAsync(f.Heavy, 1, gate, async (g, _, _) =>
        {
            Interlocked.Increment(ref computations);
            await g.Task;
            return 1;
        }).AsTask()).ToArray();
        gate.SetResult();
        await Task.WhenAll(tasks);
        Assert.Equal(10, computations);
    }

    [Fact]
    public async Task Disabled_AlwaysComputes()
    {
        await using var f = new CacheFixture(o => o.Mode = CacheMode.Disabled);
        var counter = new Counter();
        var a = await f.GetAsync(f.Recent, 1, counter);
        var b = await f.GetAsync(f.Recent, 1, counter);
        Assert.Equal((CacheOutcome.Bypass, CacheOutcome.Bypass, 2), (a.Outcome, b.Outcome, counter.Count));
        Assert.Equal(0, f.Cache.GetStatistics().Entries);
    }

    [Fact]
    public async Task OptimizedPercent_SplitsCompaniesStably()
    {
        await using var f = new CacheFixture(o => o.OptimizedPercent = 30);
        var optimized = Enumerable.Range(1, 1000).Count(c => f.Recent.ModeFor(c) == CacheMode.Optimized);
        Assert.InRange(optimized, 250, 350);
        Assert.All(Enumerable.Range(1, 50), c => Assert.Equal(f.Recent.ModeFor(c), f.Recent.ModeFor(c)));
        Assert.Equal(CacheMode.Optimized, f.Cache.SetMode(CacheMode.Optimized, 100).First().ModeFor(7));
    }

    [Fact]
    public async Task SetMode_OneWidgetAtRunTime_LeavesOthers()
    {
        await using var f = new CacheFixture();
        var changed = f.Cache.SetMode(CacheMode.Disabled, widget: "recent_calls");
        Assert.Equal("recent_calls", Assert.Single(changed).Name);
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        Assert.Equal(CacheOutcome.Bypass, (await f.GetAsync(f.Recent, 1, counter)).Outcome);
        await f.GetAsync(f.Heavy, 1, counter);
        Assert.Equal(CacheOutcome.Hit, (await f.GetAsync(f.Heavy, 1, counter)).Outcome);
        Assert.Equal(CacheMode.Disabled, f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls").Mode);
        Assert.Throws<KeyNotFoundException>(() => f.Cache.SetMode(CacheMode.Legacy, widget: "nope"));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Cache.SetMode(CacheMode.Optimized, 101));
    }

    [Fact]
    public async Task PerWidgetMode_FromOptions()
    {
        await using var f = new CacheFixture(o => o.Widgets["dashboard_stats"] = new WidgetOptions { Tier = WidgetTier.Heavy, Mode = CacheMode.Legacy });
        Assert.Equal(CacheMode.Legacy, f.Heavy.Mode);
        Assert.Equal(CacheMode.Optimized, f.Recent.Mode);
    }
}
