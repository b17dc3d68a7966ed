namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheStampedeTests
{
    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task GetOrCompute_ConcurrentCallersOnColdKey_ComputesOnce(int callers)
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource();
        var computations = 0;
        var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await f.Cache.GetOrComputeAsync(f.Heavy, 1, gate, async (g, _, _) =>
            {
                Interlocked.Increment(ref computations);
                await g.Task;
                return 42;
            });
        })).ToArray();
        start.Set();

        // Release the computation only once every caller has asked (or been answered).
        while (f.Heavy.Counters.Waiting + f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "dashboard_stats").Requests < callers)
        {
            await Task.Yield();
        }

        gate.SetResult();
        var results = await Task.WhenAll(tasks);
        Assert.Equal(1, computations);
        Assert.All(results, r => Assert.Equal(42, r.Value));
    }

    [Fact]
    public async Task GetOrCompute_ShortComputationManyCallers_NeverComputesTwice()
    {
        // No gate: callers keep arriving while the shared computation stores its value and leaves, the window in
        // which a caller that missed L1 just before the store found no computation in flight and started another.
        await using var f = new CacheFixture();
        const int Repetitions = 1000;
        const int Callers = 64;
        var computations = new int[Repetitions + 1];
        for (var company = 1; company <= Repetitions; company++)
        {
            var id = company;
            var callers = Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
                await f.Cache.GetOrComputeAsync(f.Heavy, id, computations, static async (c, ctx, _) =>
                {
                    Interlocked.Increment(ref c[ctx.CompanyId]);
                    await Task.Yield();
                    return ctx.CompanyId;
                })));
            var results = await Task.WhenAll(callers);
            Assert.All(results, r => Assert.Equal(id, r.Value));
        }

        Assert.Equal([], Enumerable.Range(1, Repetitions).Where(c => computations[c] != 1).Select(c => (c, computations[c])).ToArray());
    }

    [Fact]
    public async Task GetOrCompute_OneCallerCancels_OthersStillGetTheValue()
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource();
        var sawCancel = false;
        using var cts = new CancellationTokenSource();
        Func<TaskCompletionSource, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, _, ct) =>
        {
            await g.Task;
            sawCancel = ct.IsCancellationRequested;
            return 7;
        };
        var cancelling = f.Cache.GetOrComputeAsync(f.Recent, 1, gate, compute, cts.Token).AsTask();
        var staying = f.Cache.GetOrComputeAsync(f.Recent, 1, gate, compute).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelling);
        gate.SetResult();
        Assert.Equal(7, (await staying).Value);
        Assert.False(sawCancel);
        Assert.True(f.Cache.IsCached(f.Recent, 1));
    }

    [Fact]
    public async Task GetOrCompute_AllCallersCancel_ComputationIsCancelled()
    {
        await using var f = new CacheFixture();
        var observed = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var a = new CancellationTokenSource();
        using var b = new CancellationTokenSource();
        Func<int, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (_, _, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
                return 1;
            }
            finally
            {
                observed.TrySetResult(ct.IsCancellationRequested);
            }
        };
        var first = f.Cache.GetOrComputeAsync(f.Recent, 1, 0, compute, a.Token).AsTask();
        var second = f.Cache.GetOrComputeAsync(f.Recent, 1, 0, compute, b.Token).AsTask();
        await a.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(observed.Task.IsCompleted);
        await b.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        Assert.True(await observed.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        // A later caller starts a new computation rather than joining the cancelled one.
        var later = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(5));
        Assert.Equal(5, later.Value);
    }

    [Fact]
    public async Task GetOrCompute_Failure_IsNotCachedAndIsCounted()
    {
        await using var f = new CacheFixture();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new InvalidOperationException("db down")));
        Assert.False(f.Cache.IsCached(f.Recent, 1));
        var ok = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(3));
        Assert.Equal((CacheOutcome.Miss, 3), (ok.Outcome, ok.Value));
        Assert.Equal(1, f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls").Errors);
        Assert.Contains(f.Logs.Entries, e => e.EventId == 1002);
    }

    [Fact]
    public async Task GetOrCompute_FailureWithPreviousValue_ServesStale()
    {
        await using var f = new CacheFixture(time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromMinutes(6)); // expired
        var result = await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new TimeoutException());
        Assert.Equal((CacheOutcome.Stale, 11), (result.Outcome, result.Value));
        var stats = f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls");
        Assert.Equal((1L, 1L), (stats.Errors, stats.StaleHits));
        Assert.Contains(f.Logs.Entries, e => e.EventId == 1003);
    }

    [Fact]
    public async Task GetOrCompute_FailureAfterInvalidation_ThrowsRatherThanServingTheInvalidatedValue()
    {
        await using var f = new CacheFixture(o => o.SweepInterval = TimeSpan.FromHours(1), time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromSeconds(10));
        await f.Cache.InvalidateAsync(CacheTag.Company(1)); // an acknowledged write

        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new TimeoutException()));
        Assert.Equal(0, f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls").StaleHits);
    }

    [Fact]
    public async Task GetOrCompute_FailureAfterInvalidation_DoesNotServeThePreviousBucketEither()
    {
        // No sweep during the test: the invalidated entry is still in memory, as it is until the next sweep.
        await using var f = new CacheFixture(o => o.SweepInterval = TimeSpan.FromHours(1), time: new(new DateTimeOffset(2025, 8, 6, 18, 59, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 1));
        f.Time.Advance(TimeSpan.FromMinutes(2)); // the next hour's bucket

        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new TimeoutException()));
    }

    [Fact]
    public async Task GetOrCompute_AfterAFailure_ServesStaleWithoutCallingTheSourceForTheThrottle()
    {
        await using var f = new CacheFixture(time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromMinutes(6)); // expired
        var calls = new Counter();
        Func<Counter, WidgetComputeContext, CancellationToken, ValueTask<int>> failing = (c, _, _) =>
        {
            c.Next();
            throw new TimeoutException("database down");
        };

        var first = await f.Cache.GetOrComputeAsync(f.Recent, 1, calls, failing);
        f.Time.Advance(TimeSpan.FromSeconds(29)); // the statistics tier's throttle is 30 s
        var throttled = await f.Cache.GetOrComputeAsync(f.Recent, 1, calls, failing);

        Assert.Equal((CacheOutcome.Stale, 11), (first.Outcome, first.Value));
        Assert.Equal((CacheOutcome.Stale, 11), (throttled.Outcome, throttled.Value));
        Assert.Equal(1, calls.Count);

        f.Time.Advance(TimeSpan.FromSeconds(1)); // throttle over: the source is tried again
        var retried = await f.Cache.GetOrComputeAsync(f.Recent, 1, calls, failing);
        Assert.Equal((CacheOutcome.Stale, 11, 2), (retried.Outcome, retried.Value, calls.Count));
    }

    [Fact]
    public async Task GetOrCompute_ThrottleConfiguredPerWidget_ZeroCallsTheSourceEveryTime()
    {
        await using var f = new CacheFixture(
            o => o.Widgets["recent_calls"] = new WidgetOptions { Tier = WidgetTier.Statistics, FailSafeThrottle = TimeSpan.Zero },
            time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        Assert.Equal(TimeSpan.Zero, f.Recent.FailSafeThrottle);
        Assert.Equal(TimeSpan.FromSeconds(10), f.Live.FailSafeThrottle);
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromMinutes(6));
        var calls = new Counter();
        for (var i = 0; i < 3; i++)
        {
            var r = await f.Cache.GetOrComputeAsync<Counter, int>(f.Recent, 1, calls, (c, _, _) => throw new TimeoutException(c.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal(CacheOutcome.Stale, r.Outcome);
        }

        Assert.Equal(3, calls.Count);
    }

    [Fact]
    public async Task GetOrCompute_InvalidationDuringThrottle_EndsIt()
    {
        await using var f = new CacheFixture(time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(CacheOutcome.Stale, (await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new TimeoutException())).Outcome);

        await f.Cache.InvalidateAsync(CacheTag.Company(1));

        var fresh = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(12));
        Assert.Equal((CacheOutcome.Miss, 12), (fresh.Outcome, fresh.Value));
    }

    [Fact]
    public async Task GetOrCompute_FailureBeyondFailSafeWindow_Throws()
    {
        await using var f = new CacheFixture(o => o.FailSafeMaxDuration = TimeSpan.FromMinutes(1), time: new(new DateTimeOffset(2025, 8, 6, 18, 0, 0, TimeSpan.Zero)));
        await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<int>(11));
        f.Time.Advance(TimeSpan.FromMinutes(10));
        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await f.Cache.GetOrComputeAsync<int, int>(f.Recent, 1, 0, (_, _, _) => throw new TimeoutException()));
    }

    [Fact]
    public async Task GetOrCompute_SlowComputation_IsLoggedWithWidgetAndCompany()
    {
        await using var f = new CacheFixture(o => o.SlowComputationThreshold = TimeSpan.FromSeconds(1));
        await f.Cache.GetOrComputeAsync(f.Heavy, 42, f.Time, (t, _, _) =>
        {
            t.Advance(TimeSpan.FromSeconds(2));
            return new ValueTask<int>(1);
        });
        var log = Assert.Single(f.Logs.Entries, e => e.EventId == 1001);
        Assert.Contains("dashboard_stats", log.Message, StringComparison.Ordinal);
        Assert.Contains("42", log.Message, StringComparison.Ordinal);
        var slow = Assert.Single(f.Cache.GetStatistics().Slowest);
        Assert.Equal(("dashboard_stats", 42, TimeSpan.FromSeconds(2)), (slow.Widget, slow.CompanyId, slow.Duration));
    }

    [Fact]
    public async Task Statistics_CountHitsMissesAndComputeTime()
    {
        await using var f = new CacheFixture();
        var c = new Counter();
        await f.GetAsync(f.Recent, 1, c);
        await f.GetAsync(f.Recent, 1, c);
        await f.GetAsync(f.Recent, 1, c);
        var s = f.Cache.GetStatistics();
        var w = s.Widgets.Single(x => x.Widget == "recent_calls");
        Assert.Equal((2L, 1L, 1L), (w.Hits, w.Misses, w.Computations));
        Assert.Equal(2.0 / 3, w.HitRatio, 3);
        var tier = s.Tiers.Single(t => t.Tier == WidgetTier.Statistics);
        Assert.Equal(2, tier.Hits);
        Assert.Equal(1, s.Entries);
        Assert.True(s.EstimatedBytes > 0);
    }
}
