namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheExpiryTests
{
    [Theory]
    [InlineData("live_calls", 60)]
    [InlineData("recent_calls", 300)]
    [InlineData("dashboard_stats", 900)]
    public async Task GetOrCompute_TierTtl_ExpiresAfterTtl(string widget, int ttlSeconds)
    {
        // Start at the top of an hour so that no hour boundary falls inside the TTL; the live tier's 60 s TTL ends
        // on a minute boundary, where stale rollover and next-bucket prefetch (tested in WidgetCacheRefreshTests)
        // would answer instead. No background refresh before the end (RefreshThreshold 1.0): the hit 1 ms before it would
        // queue one, and whether it or the read at the end computes first is up to the thread pool.
        await using var f = new CacheFixture(
            o => (o.Live.ServeStaleOnRollover, o.Live.PrefetchNextBucket, o.RefreshThreshold) = (false, false, 1.0),
            time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        var counter = new Counter();
        var w = f.Widget(widget);

        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(w, 1, counter)).Outcome);
        f.Time.Advance(TimeSpan.FromSeconds(ttlSeconds) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(CacheOutcome.Hit, (await f.GetAsync(w, 1, counter)).Outcome);
        Assert.Equal(1, counter.Count);

        f.Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await f.GetAsync(w, 1, counter);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(2, after.Value);
    }

    [Fact]
    public async Task GetOrCompute_ClockPassesTheTtlDuringTheComputation_ValueIsNotServedAsAHitAfterwards()
    {
        await using var f = new CacheFixture();
        var computations = new Counter();

        // The statistics tier's TTL (5 min) passes while the value is computed (a slow query, a refresh waiting on the queue).
        var first = await f.Cache.GetOrComputeAsync(f.Recent, 7, (f.Time, computations), static (s, _, _) =>
        {
            s.Time.Advance(TimeSpan.FromMinutes(6));
            return new ValueTask<int>(s.computations.Next());
        });
        Assert.Equal(1, first.Value);

        // The TTL runs from the computation's start: the value is already over, so the next read computes.
        var second = await f.GetAsync(f.Recent, 7, computations);
        Assert.Equal(CacheOutcome.Miss, second.Outcome);
        Assert.Equal(2, second.Value);
    }

    [Fact]
    public async Task GetOrCompute_ValueWithItsOwnEnd_ExpiresThereBeforeItsTtl()
    {
        var start = new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero);

        // No background refresh before the value's end: the hit 1 ms before it would otherwise queue one, and whether that
        // refresh or the read at the end computes first is up to the thread pool (it made this test compute 3 times once).
        await using var f = new CacheFixture(o => o.RefreshThreshold = 1.0, time: new(start));
        var computations = 0;

        // Each value ends 5 minutes after the instant it stands for: within the heavy tier's 15-minute TTL and its hour.
        ValueTask<DayValue> Compute(WidgetComputeContext context) => new(new DayValue(++computations, context.At.AddMinutes(5)));

        Assert.Equal(CacheOutcome.Miss, (await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) => Compute(context))).Outcome);
        f.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(CacheOutcome.Hit, (await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) => Compute(context))).Outcome);

        f.Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) => Compute(context));
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(2, after.Value.Number);
    }

    [Fact]
    public async Task GetOrCompute_PreviousBucketValuePastItsOwnEnd_NotServedStaleOnRollover()
    {
        // "Today" of a zone whose midnight is on the hour ends with the hour bucket: the next bucket's first read must
        // not be given the old day's value as a stale rollover answer.
        var start = new DateTimeOffset(2025, 8, 6, 23, 50, 0, TimeSpan.Zero);
        await using var f = new CacheFixture(time: new(start));
        var computations = 0;
        ValueTask<DayValue> Compute(WidgetComputeContext context) =>
            new(new DayValue(++computations, new DateTimeOffset(context.At.UtcDateTime.Date.AddDays(1), TimeSpan.Zero)));

        Assert.Equal(CacheOutcome.Miss, (await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) => Compute(context))).Outcome);
        f.Time.SetUtcNow(start.AddMinutes(12));
        var after = await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) => Compute(context));

        Assert.Equal((CacheOutcome.Miss, 2), (after.Outcome, after.Value.Number));
        Assert.Equal(new DateTimeOffset(2025, 8, 8, 0, 0, 0, TimeSpan.Zero), after.Value.ValidUntil);
    }

    [Fact]
    public async Task GetOrCompute_ValueEndsWhileComputed_ComputedAgainForNow()
    {
        var start = new DateTimeOffset(2025, 8, 6, 23, 59, 59, TimeSpan.Zero);
        await using var f = new CacheFixture(time: new(start));
        var seen = new List<DateTimeOffset>();
        var result = await f.Cache.GetOrComputeAsync(f.Heavy, 1, 0, (_, context, _) =>
        {
            seen.Add(context.At);

            // The first computation takes past midnight, so its "today" is over when it is done.
            if (seen.Count == 1)
            {
                f.Time.Advance(TimeSpan.FromSeconds(2));
            }

            return new ValueTask<DayValue>(new DayValue(seen.Count, new DateTimeOffset(context.At.UtcDateTime.Date.AddDays(1), TimeSpan.Zero)));
        });

        Assert.Equal(2, result.Value.Number);
        Assert.Equal([start, start.AddSeconds(2)], seen);
    }

    [Fact]
    public async Task GetOrCompute_PerWidgetTtl_OverridesTier()
    {
        await using var f = new CacheFixture(o => o.Widgets["recent_calls"] = new WidgetOptions { Tier = WidgetTier.Statistics, Ttl = TimeSpan.FromSeconds(10) },
            time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Recent, 1, counter)).Outcome);
        Assert.Equal(TimeSpan.FromSeconds(10), f.Recent.Ttl);
    }

    [Fact]
    public async Task GetOrCompute_GlobalTierTtl_IsConfigurable()
    {
        await using var f = new CacheFixture(o => o.Live.Ttl = TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), f.Live.Ttl);
        Assert.Equal(TimeSpan.FromSeconds(300), f.Recent.Ttl);
    }

    [Fact]
    public async Task GetOrCompute_OtherCompany_IsSeparateEntry()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        var a = await f.GetAsync(f.Recent, 1, counter);
        var b = await f.GetAsync(f.Recent, 2, counter);
        Assert.Equal((1, 2), (a.Value, b.Value));
        Assert.Equal(1, (await f.GetAsync(f.Recent, 1, counter)).Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task GetOrCompute_NonPositiveCompany_Throws(int companyId)
    {
        await using var f = new CacheFixture();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await f.GetAsync(f.Recent, companyId, new Counter()));
    }

    [Fact]
    public async Task GetOrCompute_HandleOfAnotherCache_Throws()
    {
        await using var f = new CacheFixture();
        await using var other = new CacheFixture();
        await Assert.ThrowsAsync<ArgumentException>(async () => await f.GetAsync(other.Recent, 1, new Counter()));
    }

    [Fact]
    public async Task Register_SameNameOtherTier_Throws()
    {
        await using var f = new CacheFixture();
        Assert.Same(f.Recent, f.Cache.Register("recent_calls", WidgetTier.Statistics));
        Assert.Throws<ArgumentException>(() => f.Cache.Register("recent_calls", WidgetTier.Live));
        Assert.Throws<ArgumentException>(() => f.Cache.Register("Recent:Calls", WidgetTier.Live));
    }

    [Fact]
    public async Task LiveTier_NextMinute_IsANewBucket_AndMissesWithoutRollover()
    {
        await using var f = new CacheFixture(o => o.Live.ServeStaleOnRollover = false);
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(31)); // 18:08:01: same TTL, new minute bucket
        var next = await f.GetAsync(f.Live, 1, counter);
        Assert.Equal(CacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task Hit_AllocatesNothing()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Heavy, 1, counter);
        await f.GetAsync(f.Heavy, 1, counter);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            var r = f.GetAsync(f.Heavy, 1, counter);
            Assert.True(r.IsCompletedSuccessfully);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public async Task Sweep_OverMaxEntries_EvictsOldestDownToNinetyPercent()
    {
        await using var f = new CacheFixture(o => o.MaxEntries = 100);
        var counter = new Counter();
        for (var c = 1; c <= 150; c++)
        {
            await f.GetAsync(f.Recent, c, counter);
        }

        f.Engine.Sweep();
        var stats = f.Cache.GetStatistics();

        // The compaction queued when the 101st entry went in evicts down to 90 in the background; when it ran before the
        // last entries were added, they bring the count back up to at most 100, which the explicit sweep leaves (it
        // evicts only over the limit). Either way no more than the limit is held, and every eviction went down to 90.
        Assert.InRange(stats.Entries, 1, 100);
        Assert.InRange(stats.Evictions, 50, 150 - 90);
        Assert.InRange(stats.Entries + stats.Evictions, 150, 150);
    }

    [Fact]
    public async Task Sweep_OverSizeLimit_Evicts()
    {
        await using var f = new CacheFixture(o => o.SizeLimitBytes = 2048);
        var counter = new Counter();
        for (var c = 1; c <= 100; c++)
        {
            await f.GetAsync(f.Recent, c, counter);
        }

        f.Engine.Sweep();
        Assert.True(f.Cache.GetStatistics().EstimatedBytes <= 2048);
    }
}

/// <summary>A value with an end of its own, as a "today" figure has.</summary>
public sealed record DayValue(int Number, DateTimeOffset ValidUntil) : IExpiringValue;
