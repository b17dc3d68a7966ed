namespace AskProAI.Caching.Tests.Internal;

/// <summary>The backplane's lease on memory (ADR 0024): L1 is served only while it holds.</summary>
public sealed class WidgetCacheLeaseTests
{
    [Fact]
    public async Task Lease_RunOut_ValidEntryIsNotServedFromMemory_UntilRenewed()
    {
        await using var f = new CacheFixture();
        var c = new Counter();
        var backplane = (IBackplaneHandler)f.Cache;
        await f.GetAsync(f.Heavy, 1, c);
        backplane.OnLease(TimeSpan.FromSeconds(3));
        Assert.Equal((CacheOutcome.Hit, 1), Read(await f.GetAsync(f.Heavy, 1, c)));

        f.Time.Advance(TimeSpan.FromSeconds(3));

        // Nothing invalidated it, but this instance can no longer know that: not served from memory, and counted.
        Assert.False(f.Cache.IsCached(f.Heavy, 1));
        Assert.Equal((CacheOutcome.Miss, 2), Read(await f.GetAsync(f.Heavy, 1, c)));
        Assert.Equal(1, f.Engine.LeaseRefusals);

        backplane.OnLease(TimeSpan.FromSeconds(3));
        Assert.Equal((CacheOutcome.Hit, 2), Read(await f.GetAsync(f.Heavy, 1, c)));

        backplane.OnLease(TimeSpan.Zero);
        Assert.False(f.Cache.IsCached(f.Heavy, 1));
    }

    [Fact]
    public async Task NoBackplaneLease_MemoryIsServedAsBefore()
    {
        await using var f = new CacheFixture();
        var c = new Counter();
        await f.GetAsync(f.Heavy, 1, c);

        f.Time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal((CacheOutcome.Hit, 1), Read(await f.GetAsync(f.Heavy, 1, c)));
        Assert.Equal(0, f.Engine.LeaseRefusals);
    }

    private static (CacheOutcome, int) Read(CacheResult<int> result) => (result.Outcome, result.Value);
}
