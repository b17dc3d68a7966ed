using AskProAI.Caching.Internal;

namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheRefreshTests
{
    private static readonly DateTimeOffset TopOfHour = new(2025, 8, 6, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Heavy_PastRefreshThreshold_ServedAtOnceAndRefreshedOnceInBackground()
    {
        await using var f = new CacheFixture(time: new(TopOfHour));
        var gate = new TaskCompletionSource();
        var computations = 0;
        Func<TaskCompletionSource, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, ctx, _) =>
        {
            var n = Interlocked.Increment(ref computations);
            if (ctx.Background)
            {
                await g.Task;
            }

            return n;
        };
        Assert.Equal(1, (await f.Cache.GetOrComputeAsync(f.Heavy, 1, gate, compute)).Value);
        f.Time.Advance(TimeSpan.FromSeconds(900 * 0.8));

        var results = new List<CacheResult<int>>();
        for (var i = 0; i < 50; i++)
        {
            results.Add(await f.Cache.GetOrComputeAsync(f.Heavy, 1, gate, compute));
        }

        Assert.All(results, r => Assert.Equal((CacheOutcome.Hit, 1), (r.Outcome, r.Value)));
        gate.SetResult();
        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, computations);
        var refreshed = await f.Cache.GetOrComputeAsync(f.Heavy, 1, gate, compute);
        Assert.Equal((CacheOutcome.Hit, 2), (refreshed.Outcome, refreshed.Value));
        Assert.Equal(1, f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "dashboard_stats").Refreshes);
    }

    [Fact]
    public async Task Heavy_BeforeRefreshThreshold_NoBackgroundWork()
    {
        await using var f = new CacheFixture(time: new(TopOfHour));
        var counter = new Counter();
        await f.GetAsync(f.Heavy, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(700));
        await f.GetAsync(f.Heavy, 1, counter);
        await f.Queue.WhenIdleAsync();
        Assert.Equal(1, counter.Count);
        Assert.Equal(0, f.Queue.GetStatistics().Enqueued);
    }

    [Fact]
    public async Task Statistics_PastThreshold_NotRefreshedByDefault()
    {
        await using var f = new CacheFixture(time: new(TopOfHour));
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(290));
        await f.GetAsync(f.Recent, 1, counter);
        await f.Queue.WhenIdleAsync();
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task Rollover_NewHour_ServesPreviousBucketStaleAndFillsNewBucketOnce()
    {
        await using var f = new CacheFixture(time: new(TopOfHour.AddMinutes(58)));
        var gate = new TaskCompletionSource();
        var computations = 0;
        Func<TaskCompletionSource, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, ctx, _) =>
        {
            var n = Interlocked.Increment(ref computations);
            if (ctx.Background)
            {
                await g.Task;
            }

            return n;
        };
        await f.Cache.GetOrComputeAsync(f.Recent, 1, gate, compute);
        f.Time.Advance(TimeSpan.FromMinutes(2)); // 19:00:00, a new hour bucket

        var results = new List<CacheResult<int>>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await f.Cache.GetOrComputeAsync(f.Recent, 1, gate, compute));
        }

        Assert.All(results, r => Assert.Equal((CacheOutcome.Stale, 1), (r.Outcome, r.Value)));
        gate.SetResult();
        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, computations);
        var after = await f.Cache.GetOrComputeAsync(f.Recent, 1, gate, compute);
        Assert.Equal((CacheOutcome.Hit, 2), (after.Outcome, after.Value));
    }

    [Fact]
    public async Task Rollover_PreviousBucketInvalidated_Misses()
    {
        await using var f = new CacheFixture(time: new(TopOfHour.AddMinutes(58)));
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        f.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Recent, 1, counter)).Outcome);
    }

    [Fact]
    public async Task Rollover_LiveTier_NewMinuteServesPreviousMinuteStaleAndFillsOnce()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(31)); // 18:08:01, a new minute bucket
        var stale = await f.GetAsync(f.Live, 1, counter);
        Assert.Equal((CacheOutcome.Stale, 1), (stale.Outcome, stale.Value));
        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, counter.Count);
        Assert.Equal((CacheOutcome.Hit, 2), ((await f.GetAsync(f.Live, 1, counter)).Outcome, counter.Count));
    }

    [Fact]
    public async Task Rollover_LiveTier_PreviousMinuteInvalidated_Misses()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        f.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal((CacheOutcome.Miss, 2), ((await f.GetAsync(f.Live, 1, counter)).Outcome, counter.Count));
    }

    [Fact]
    public async Task Rollover_LiveTier_SwitchedOff_Misses()
    {
        await using var f = new CacheFixture(o => o.Live.ServeStaleOnRollover = false);
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Live, 1, counter)).Outcome);
    }

    [Fact]
    public async Task Prefetch_LiveEntryReadLateInTheMinute_ComputesTheNextMinuteAhead_SoTheBoundaryIsAHit()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(28)); // 18:07:58, past every company's prefetch point
        var late = await f.GetAsync(f.Live, 1, counter); // the prefetch it queues may already run: read the value, not the counter
        Assert.Equal((CacheOutcome.Hit, 1), (late.Outcome, late.Value));
        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, counter.Count);

        f.Time.Advance(TimeSpan.FromSeconds(3)); // 18:08:01, the next minute bucket
        var next = await f.GetAsync(f.Live, 1, counter);
        Assert.Equal((CacheOutcome.Hit, 2), (next.Outcome, next.Value));
        f.Time.Advance(TimeSpan.FromSeconds(40)); // 18:08:41: the value computed ahead is still fresh in its own bucket
        Assert.Equal((CacheOutcome.Hit, 2), ((await f.GetAsync(f.Live, 1, counter)).Outcome, counter.Count));
    }

    [Fact]
    public async Task Prefetch_EntryNotReadLate_PrefetchesNothing()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(29));
        await f.Queue.WhenIdleAsync();
        Assert.Equal(1, counter.Count);
    }

    [Fact]
    public async Task Prefetch_ManyReadsLate_ComputesTheNextBucketOnce()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(28));
        for (var i = 0; i < 50; i++)
        {
            await f.GetAsync(f.Live, 1, counter);
        }

        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task Prefetch_SwitchedOff_TheBoundaryRollsOverInstead()
    {
        await using var f = new CacheFixture(o => o.Live.PrefetchNextBucket = false);
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(28));
        await f.GetAsync(f.Live, 1, counter);
        await f.Queue.WhenIdleAsync();
        Assert.Equal(1, counter.Count);
        f.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(CacheOutcome.Stale, (await f.GetAsync(f.Live, 1, counter)).Outcome);
    }

    [Fact]
    public async Task Prefetch_InvalidatedAfterwards_TheNextBucketIsNotServed()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Live, 1, counter);
        f.Time.Advance(TimeSpan.FromSeconds(28));
        await f.GetAsync(f.Live, 1, counter);
        await f.Queue.WhenIdleAsync();
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("live_calls", 1));
        f.Time.Advance(TimeSpan.FromSeconds(3));
        var next = await f.GetAsync(f.Live, 1, counter);
        Assert.Equal((CacheOutcome.Miss, 3), (next.Outcome, next.Value));
    }

    [Fact]
    public async Task Prefetch_PointsAreStaggeredPerCompany_InTheLastQuarterOfTheBucket()
    {
        await using var f = new CacheFixture();
        var live = f.Live;
        var bucket = WidgetCache.BucketOf(WidgetTier.Live, CacheFixture.Start.UtcTicks);
        var end = CacheFixture.Start.UtcTicks - (CacheFixture.Start.UtcTicks % TimeSpan.TicksPerMinute) + TimeSpan.TicksPerMinute;
        var points = Enumerable.Range(1, 20).Select(c => WidgetCache.PrefetchTicksOf(live, new EntryKey(live.Index, c, bucket))).ToArray();
        Assert.All(points, p => Assert.InRange(p, end - TimeSpan.TicksPerSecond * 15, end - TimeSpan.TicksPerSecond * 3));
        Assert.True(points.Distinct().Count() >= 18, "companies' prefetch points are not spread");
        Assert.True(points.Max() - points.Min() >= TimeSpan.TicksPerSecond * 8, "companies' prefetch points are bunched together");
    }

    [Fact]
    public async Task Rollover_LateInNewBucket_DoesNotServeOldBucket()
    {
        await using var f = new CacheFixture(time: new(TopOfHour.AddMinutes(58)));
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        f.Time.Advance(TimeSpan.FromMinutes(8)); // 19:06, more than one TTL into the new bucket
        Assert.Equal(CacheOutcome.Miss, (await f.GetAsync(f.Recent, 1, counter)).Outcome);
    }

    [Fact]
    public async Task TryScheduleRefresh_SameKeyTwice_QueuesOnce()
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource();
        var computations = 0;
        Func<TaskCompletionSource, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, ctx, _) =>
        {
            Assert.True(ctx.Background);
            Interlocked.Increment(ref computations);
            await g.Task;
            return 1;
        };
        Assert.True(f.Cache.TryScheduleRefresh(f.Heavy, 1, gate, compute));
        Assert.False(f.Cache.TryScheduleRefresh(f.Heavy, 1, gate, compute));
        Assert.True(f.Cache.TryScheduleRefresh(f.Heavy, 2, gate, compute));
        gate.SetResult();
        await f.Queue.WhenIdleAsync();
        Assert.Equal(2, computations);
        Assert.True(f.Cache.IsCached(f.Heavy, 1));
    }

    [Fact]
    public async Task RefreshAsync_ReplacesCachedValue()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        var warmed = await f.Cache.RefreshAsync(f.Recent, 1, counter, static (c, _, _) => new ValueTask<int>(c.Next()));
        Assert.Equal(2, warmed.Value);
        Assert.Equal((CacheOutcome.Hit, 2), ((await f.GetAsync(f.Recent, 1, counter)).Outcome, (await f.GetAsync(f.Recent, 1, counter)).Value));
    }

    [Fact]
    public async Task RefreshAsync_NextHourBucket_IsAHitAtTopOfHour()
    {
        await using var f = new CacheFixture(time: new(TopOfHour.AddMinutes(56)));
        var counter = new Counter();
        await f.GetAsync(f.Recent, 1, counter);
        await f.Cache.RefreshAsync(f.Recent, 1, counter, static (c, _, _) => new ValueTask<int>(c.Next()), bucketAt: TopOfHour.AddHours(1));
        f.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(30)); // 19:00:30
        var atTop = await f.GetAsync(f.Recent, 1, counter);
        Assert.Equal((CacheOutcome.Hit, 2), (atTop.Outcome, atTop.Value));
    }

    [Fact]
    public async Task ComputeContext_ValueComputedAheadOfItsBucket_StandsForTheBucketsStart()
    {
        await using var f = new CacheFixture(time: new(TopOfHour.AddMinutes(58))); // 18:58, the pre-hour warm's time
        var seen = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        Func<System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>, WidgetComputeContext, CancellationToken, ValueTask<int>> compute =
            static (q, ctx, _) =>
            {
                q.Enqueue(ctx.At);
                return new ValueTask<int>(q.Count);
            };

        await f.Cache.GetOrComputeAsync(f.Recent, 1, seen, compute);
        await f.Cache.RefreshAsync(f.Recent, 1, seen, compute, bucketAt: TopOfHour.AddHours(1));

        Assert.Equal([TopOfHour.AddMinutes(58), TopOfHour.AddHours(1)], seen.ToArray());
    }

    [Fact]
    public async Task ComputeContext_NextMinutePrefetch_StandsForTheNextMinute()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var seen = new System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>();
        Func<System.Collections.Concurrent.ConcurrentQueue<DateTimeOffset>, WidgetComputeContext, CancellationToken, ValueTask<int>> compute =
            static (q, ctx, _) =>
            {
                q.Enqueue(ctx.At);
                return new ValueTask<int>(q.Count);
            };
        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        f.Time.Advance(TimeSpan.FromSeconds(28)); // 18:07:58: the read queues the next minute
        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        await f.Queue.WhenIdleAsync();

        Assert.Equal([CacheFixture.Start, new DateTimeOffset(2025, 8, 6, 18, 8, 0, TimeSpan.Zero)], seen.ToArray());
    }

    /// <summary>A computation that records the previous value it is given and answers "value N at HH:mm:ss".</summary>
    private static readonly Func<System.Collections.Concurrent.ConcurrentQueue<object?>, WidgetComputeContext, CancellationToken, ValueTask<string>> RecordPrevious =
        static (q, ctx, _) =>
        {
            q.Enqueue(ctx.Previous);
            return new ValueTask<string>($"value {q.Count} at {ctx.At:HH:mm:ss}");
        };

    [Fact]
    public async Task ComputeContext_NewBucket_IsGivenThePreviousBucketsValidValue()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var seen = new System.Collections.Concurrent.ConcurrentQueue<object?>();
        var compute = RecordPrevious;

        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        f.Time.Advance(TimeSpan.FromSeconds(40)); // 18:08:10, a new minute bucket: 18:07's value served while 18:08's is made
        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        await f.Queue.WhenIdleAsync();
        var next = await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);

        Assert.Equal([null, "value 1 at 18:07:30"], seen.ToArray());
        Assert.Equal((CacheOutcome.Hit, "value 2 at 18:08:10"), (next.Outcome, next.Value));
    }

    [Fact]
    public async Task ComputeContext_PreviousBucketInvalidated_IsNotGivenIt()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var seen = new System.Collections.Concurrent.ConcurrentQueue<object?>();
        var compute = RecordPrevious;

        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        f.Time.Advance(TimeSpan.FromSeconds(40));
        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        await f.Queue.WhenIdleAsync();

        Assert.Equal([null, null], seen.ToArray());
    }

    [Fact]
    public async Task ComputeContext_RefreshOrSameBucket_IsNotGivenThePreviousValue()
    {
        await using var f = new CacheFixture(); // 18:07:30
        var seen = new System.Collections.Concurrent.ConcurrentQueue<object?>();
        var compute = RecordPrevious;

        await f.Cache.GetOrComputeAsync(f.Live, 1, seen, compute);
        f.Time.Advance(TimeSpan.FromSeconds(40)); // 18:08:10: an explicit refresh of a new bucket reads the source
        await f.Cache.RefreshAsync(f.Live, 1, seen, compute);
        await f.Cache.RefreshAsync(f.Live, 1, seen, compute); // and of a bucket that has its entry
        await f.Queue.WhenIdleAsync();

        Assert.Equal([null, null, null], seen.ToArray());
    }
}
