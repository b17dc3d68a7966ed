namespace AskProAI.Caching.Tests.Internal;

/// <summary>A part of the shared store failed (one Redis Cluster master, ADR 0027): only the companies it serves are dropped.</summary>
public sealed class WidgetCacheStaleCompaniesTests
{
    [Fact]
    public async Task OnCompaniesMayBeStale_DropsTheSelectedCompanies_KeepsTheOthers()
    {
        await using var f = new CacheFixture();
        var c = new Counter();
        await f.GetAsync(f.Heavy, 1, c);
        await f.GetAsync(f.Heavy, 2, c);
        await f.GetAsync(f.Heavy, 3, c);

        ((IBackplaneHandler)f.Cache).OnCompaniesMayBeStale(static companyId => companyId == 2);

        Assert.True(f.Cache.IsCached(f.Heavy, 1));
        Assert.False(f.Cache.IsCached(f.Heavy, 2));
        Assert.True(f.Cache.IsCached(f.Heavy, 3));
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Heavy, 2, c)).Outcome);
    }

    [Fact]
    public async Task OnMessagesMayHaveBeenMissed_StillDropsEveryCompany()
    {
        await using var f = new CacheFixture();
        var c = new Counter();
        await f.GetAsync(f.Heavy, 1, c);
        await f.GetAsync(f.Heavy, 2, c);

        ((IBackplaneHandler)f.Cache).OnMessagesMayHaveBeenMissed();

        Assert.False(f.Cache.IsCached(f.Heavy, 1));
        Assert.False(f.Cache.IsCached(f.Heavy, 2));
    }
}
