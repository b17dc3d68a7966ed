using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Caching.Tests.Internal;

/// <summary>
/// Factory timeouts on the fake clock, with computations held by a <see cref="TaskCompletionSource{T}"/>: past the soft
/// timeout a caller gets the last value (fail-safe rules) as stale, past the hard timeout a
/// <see cref="WidgetTimeoutException"/>, and the computation goes on and is stored either way.
/// </summary>
public class WidgetCacheTimeoutTests
{
    // 18:00:00: a statistics value computed now expires at 18:05, within its hour bucket.
    private static readonly DateTimeOffset Hour = new(2025, 8, 6, 18, 0, 0, TimeSpan.Zero);

    // Only a bound for a test that would otherwise hang on code without timeouts; every wait here ends on the fake clock.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static readonly Func<TaskCompletionSource<int>, WidgetComputeContext, CancellationToken, ValueTask<int>> Held =
        static async (gate, _, _) => await gate.Task;

    private static CacheFixture Fixture(Action<WidgetCacheOptions>? configure = null) => new(
        o =>
        {
            o.Statistics.SoftTimeout = TimeSpan.FromSeconds(1);
            o.Statistics.HardTimeout = TimeSpan.FromSeconds(10);
            o.SweepInterval = TimeSpan.FromHours(1); // invalidated entries stay in memory, as they do until a sweep
            configure?.Invoke(o);
        },
        time: new(Hour));

    private static async Task<CacheFixture> WithExpiredValueAsync(int value = 11, Action<WidgetCacheOptions>? configure = null)
    {
        var f = Fixture(configure);
        await f.Recent.GetOrComputeAsync(1, value, static (v, _, _) => new ValueTask<int>(v));
        f.Time.Advance(TimeSpan.FromMinutes(6)); // expired at 18:05
        return f;
    }

    private static WidgetStatistics Stats(CacheFixture f) => f.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls");

    [Fact]
    public async Task SoftTimeout_WithAnExpiredValue_ServesItStale_AndStoresTheComputationWhenItEnds()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(pending.IsCompleted);
        f.Time.Advance(TimeSpan.FromMilliseconds(1));
        var stale = await pending.WaitAsync(Bound);

        Assert.Equal((CacheOutcome.Stale, 11), (stale.Outcome, stale.Value));
        gate.SetResult(12);
        Assert.Equal(12, (await f.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(99))).Value);
        var hit = await f.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(99));
        Assert.Equal((CacheOutcome.Hit, 12), (hit.Outcome, hit.Value));
        var stats = Stats(f);
        Assert.Equal((1L, 1L, 0L), (stats.SoftTimeouts, stats.StaleHits, stats.HardTimeouts));
        Assert.Equal(1, f.Cache.GetStatistics().Tiers.Single(t => t.Tier == WidgetTier.Statistics).SoftTimeouts);
    }

    [Fact]
    public async Task SoftTimeout_WithoutAValue_WaitsUntilTheHardTimeout_ThenThrowsAndStoresTheComputationLater()
    {
        await using var f = Fixture();
        var gate = new TaskCompletionSource<int>();
        var cancelled = false;

        var pending = f.Recent.GetOrComputeAsync(1, gate, async (g, _, ct) =>
        {
            var value = await g.Task;
            cancelled = ct.IsCancellationRequested;
            return value;
        }).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted); // nothing to serve stale: the caller goes on waiting
        f.Time.Advance(TimeSpan.FromSeconds(8.999));
        Assert.False(pending.IsCompleted);
        f.Time.Advance(TimeSpan.FromMilliseconds(1));

        var timeout = await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(Bound));
        Assert.Equal(("recent_calls", TimeSpan.FromSeconds(10)), (timeout.Widget, timeout.Timeout));
        Assert.Contains("recent_calls", timeout.Message, StringComparison.Ordinal);
        Assert.Contains(f.Logs.Entries, e => e.EventId == 1012);

        gate.SetResult(7); // the computation went on, uncancelled, and its value is cached
        Assert.Equal(7, (await f.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(99))).Value);
        Assert.False(cancelled);
        Assert.Equal((CacheOutcome.Hit, 7), await OutcomeAsync(f));
        var stats = Stats(f);
        Assert.Equal((0L, 1L, 0L), (stats.SoftTimeouts, stats.HardTimeouts, stats.StaleHits));
    }

    [Fact]
    public async Task SoftTimeout_InvalidatedValue_IsNeverServed()
    {
        await using var f = await WithExpiredValueAsync();
        await f.Cache.InvalidateAsync(CacheTag.Company(1)); // an acknowledged write
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        f.Time.Advance(TimeSpan.FromSeconds(9));

        await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(Bound));
        Assert.Equal(0, Stats(f).StaleHits);
        gate.SetResult(12);
    }

    [Fact]
    public async Task SoftTimeout_ValueInvalidatedWhileWaiting_IsNotServed()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        await f.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 1));
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        gate.SetResult(12);

        // The computation started before the invalidation: its value is not stored as fresh either.
        Assert.Equal(12, (await pending.WaitAsync(Bound)).Value);
        Assert.Equal(0, Stats(f).StaleHits);
    }

    [Fact]
    public async Task SoftTimeout_ValueExpiredBeyondFailSafeMaxDuration_IsNotServed()
    {
        await using var f = await WithExpiredValueAsync(configure: o => o.FailSafeMaxDuration = TimeSpan.FromMinutes(1));
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(Bound));
        gate.SetResult(12);
    }

    [Fact]
    public async Task SoftTimeout_JoinersOfTheFlight_GetTheStaleValueAtTheSameMoment_OneComputation()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();
        var computations = new Counter();
        Func<(TaskCompletionSource<int> Gate, Counter Count), WidgetComputeContext, CancellationToken, ValueTask<int>> compute =
            static async (s, _, _) =>
            {
                s.Count.Next();
                return await s.Gate.Task;
            };

        var first = f.Recent.GetOrComputeAsync(1, (gate, computations), compute).AsTask();
        f.Time.Advance(TimeSpan.FromMilliseconds(500));
        var joiner = f.Cache.GetOrComputeAsync(f.Recent, 1, (gate, computations), compute).AsTask(); // through the interface
        f.Time.Advance(TimeSpan.FromMilliseconds(500)); // the soft timeout counts from the computation's start

        Assert.Equal((CacheOutcome.Stale, 11), ((await first.WaitAsync(Bound)).Outcome, (await first.WaitAsync(Bound)).Value));
        Assert.Equal((CacheOutcome.Stale, 11), ((await joiner.WaitAsync(Bound)).Outcome, (await joiner.WaitAsync(Bound)).Value));

        // A caller joining a computation already past the soft timeout gets the stale value at once.
        var late = await f.Recent.GetOrComputeAsync(1, (gate, computations), compute);
        Assert.Equal((CacheOutcome.Stale, 11), (late.Outcome, late.Value));
        Assert.Equal(1, computations.Count);
        gate.SetResult(12);
        await StoredAsync(f);
        Assert.Equal(12, (await f.Recent.GetOrComputeAsync(1, (gate, computations), compute)).Value);
        Assert.Equal(1, computations.Count);
        Assert.Equal((3L, 3L), (Stats(f).SoftTimeouts, Stats(f).StaleHits));
    }

    [Fact]
    public async Task HardTimeout_JoinersOfTheFlight_EachWaitTheirOwnHardTimeout()
    {
        await using var f = Fixture();
        var gate = new TaskCompletionSource<int>();

        var first = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(4));
        var joiner = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(6));
        await Assert.ThrowsAsync<WidgetTimeoutException>(() => first.WaitAsync(Bound));
        Assert.False(joiner.IsCompleted);
        f.Time.Advance(TimeSpan.FromSeconds(4));
        await Assert.ThrowsAsync<WidgetTimeoutException>(() => joiner.WaitAsync(Bound));
        Assert.Equal(2, Stats(f).HardTimeouts);
        gate.SetResult(1);
    }

    [Fact]
    public async Task Timeouts_OneCallerCancels_OthersStillGetTheStaleValue_AndTheComputationIsNotCancelled()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();
        var cancelled = false;
        Func<TaskCompletionSource<int>, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, _, ct) =>
        {
            var value = await g.Task;
            cancelled = ct.IsCancellationRequested;
            return value;
        };
        using var cts = new CancellationTokenSource();

        var cancelling = f.Recent.GetOrComputeAsync(1, gate, compute, cts.Token).AsTask();
        var staying = f.Recent.GetOrComputeAsync(1, gate, compute).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelling.WaitAsync(Bound));
        f.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((CacheOutcome.Stale, 11), ((await staying.WaitAsync(Bound)).Outcome, (await staying.WaitAsync(Bound)).Value));

        gate.SetResult(12);
        await StoredAsync(f);
        Assert.False(cancelled);
        Assert.Equal((CacheOutcome.Hit, 12), await OutcomeAsync(f));
    }

    [Fact]
    public async Task HardTimeout_ThenEveryLaterCallerCancels_TheComputationIsNotCancelled()
    {
        await using var f = Fixture();
        var gate = new TaskCompletionSource<int>();
        var cancelled = false;
        Func<TaskCompletionSource<int>, WidgetComputeContext, CancellationToken, ValueTask<int>> compute = async (g, _, ct) =>
        {
            var value = await g.Task;
            cancelled = ct.IsCancellationRequested;
            return value;
        };

        var timedOut = f.Recent.GetOrComputeAsync(1, gate, compute).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAsync<WidgetTimeoutException>(() => timedOut.WaitAsync(Bound));
        using var cts = new CancellationTokenSource();
        var leaving = f.Recent.GetOrComputeAsync(1, gate, compute, cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaving.WaitAsync(Bound));

        // The caller that timed out stays a waiter: its value is wanted, so the last cancellation does not cancel the work.
        gate.SetResult(12);
        Assert.Equal(12, (await f.Recent.GetOrComputeAsync(1, gate, compute)).Value);
        Assert.False(cancelled);
        Assert.Equal((CacheOutcome.Hit, 12), await OutcomeAsync(f));
    }

    [Fact]
    public async Task Timeouts_CallerCancelsBeforeTheSoftTimeout_GetsCancellation()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();
        using var cts = new CancellationTokenSource();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held, cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Bound));
        gate.SetResult(1);
    }

    [Fact]
    public async Task SoftTimeout_ComputationFailsAfterTheStaleServe_ErrorIsCountedAndNothingIsStored()
    {
        await using var f = await WithExpiredValueAsync();
        var gate = new TaskCompletionSource<int>();

        var stale = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(CacheOutcome.Stale, (await stale.WaitAsync(Bound)).Outcome);
        gate.SetException(new TimeoutException("database down"));

        // The failure is the fail-safe's: the expired value again, marked stale.
        var next = await f.Recent.GetOrComputeAsync<int, int>(1, 0, static (_, _, _) => throw new TimeoutException("database down"));
        Assert.Equal((CacheOutcome.Stale, 11), (next.Outcome, next.Value));
        Assert.False(f.Cache.IsCached(f.Recent, 1));
    }

    [Fact]
    public async Task SoftTimeout_PreviousBucketsValue_IsServedAsStale()
    {
        // 18:59: a value of the 18:00 bucket; at 19:00:30 the new bucket computes slowly (no rollover: it is off here).
        await using var f = new CacheFixture(
            o =>
            {
                o.Statistics.SoftTimeout = TimeSpan.FromSeconds(1);
                o.Statistics.ServeStaleOnRollover = false;
            },
            time: new(new DateTimeOffset(2025, 8, 6, 18, 59, 0, TimeSpan.Zero)));
        await f.Recent.GetOrComputeAsync(1, 11, static (v, _, _) => new ValueTask<int>(v));
        f.Time.Advance(TimeSpan.FromSeconds(90));
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((CacheOutcome.Stale, 11), ((await pending.WaitAsync(Bound)).Outcome, (await pending.WaitAsync(Bound)).Value));
        gate.SetResult(12);
    }

    [Fact]
    public async Task SoftTimeout_ValuePastItsOwnEnd_IsNotServed()
    {
        await using var f = Fixture();
        await f.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<Today>(new Today(11, Hour.AddMinutes(3))));
        f.Time.Advance(TimeSpan.FromMinutes(6));
        var gate = new TaskCompletionSource<Today>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, static async (g, _, _) => await g.Task).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        gate.SetResult(new Today(12, Hour.AddDays(1)));

        Assert.Equal(12, (await pending.WaitAsync(Bound)).Value.Calls);
    }

    [Fact]
    public async Task Timeouts_ConfiguredPerWidget_OverrideTheTiers_ZeroTurnsThemOff()
    {
        await using var f = Fixture(o =>
            o.Widgets["recent_calls"] = new WidgetOptions { Tier = WidgetTier.Statistics, SoftTimeout = TimeSpan.Zero, HardTimeout = TimeSpan.FromSeconds(3) });
        Assert.Equal((TimeSpan.Zero, TimeSpan.FromSeconds(3)), (f.Recent.SoftTimeout, f.Recent.HardTimeout));
        Assert.Equal((TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)), (f.Widget("stats_overview").SoftTimeout, f.Widget("stats_overview").HardTimeout));
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(2.999));
        Assert.False(pending.IsCompleted);
        f.Time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(Bound));
        gate.SetResult(12);
    }

    [Fact]
    public async Task HardTimeout_SoftTimeoutOff_WithAnExpiredValue_FailSafeServesIt()
    {
        await using var f = await WithExpiredValueAsync(configure: o => o.Statistics.SoftTimeout = TimeSpan.Zero);
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted); // no soft timeout
        f.Time.Advance(TimeSpan.FromSeconds(9));

        // A hard timeout is a failed wait: fail-safe answers it as it answers a failed computation.
        Assert.Equal((CacheOutcome.Stale, 11), ((await pending.WaitAsync(Bound)).Outcome, (await pending.WaitAsync(Bound)).Value));
        var stats = Stats(f);
        Assert.Equal((0L, 1L, 1L), (stats.SoftTimeouts, stats.HardTimeouts, stats.StaleHits));
        gate.SetResult(12);
        await StoredAsync(f);
        Assert.Equal((CacheOutcome.Hit, 12), await OutcomeAsync(f));
    }

    [Fact]
    public async Task Timeouts_Off_CallerWaitsForTheComputation()
    {
        await using var f = Fixture(o => (o.Statistics.SoftTimeout, o.Statistics.HardTimeout) = (TimeSpan.Zero, TimeSpan.Zero));
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.False(pending.IsCompleted);
        gate.SetResult(5);

        Assert.Equal(5, (await pending.WaitAsync(Bound)).Value);
    }

    [Fact]
    public async Task FailSafeServe_IsCountedAsOneRequest()
    {
        await using var f = await WithExpiredValueAsync();

        var stale = await f.Recent.GetOrComputeAsync<int, int>(1, 0, static (_, _, _) => throw new TimeoutException("database down"));

        Assert.Equal(CacheOutcome.Stale, stale.Outcome);
        var stats = Stats(f);
        Assert.Equal((1L, 1L, 2L), (stats.Misses, stats.StaleHits, stats.Requests)); // the first computation, the stale serve
    }

    [Theory]
    [InlineData("00:00:05", "00:00:05", "Cache:Statistics:SoftTimeout (00:00:05) must be shorter than its HardTimeout (00:00:05), or 0 to turn it off.")]
    [InlineData("-00:00:01", "00:00:05", "Cache:Statistics:SoftTimeout must be between 0 (off) and 00:10:00 (it is -00:00:01).")]
    [InlineData("00:00:01", "01:00:00", "Cache:Statistics:HardTimeout must be between 0 (off) and 00:10:00 (it is 01:00:00).")]
    public void Options_BadTimeouts_RefuseToStartWithAClearMessage(string soft, string hard, string message)
    {
        var services = new ServiceCollection();
        services.AddAskProCaching(o => (o.Statistics.SoftTimeout, o.Statistics.HardTimeout) = (TimeSpan.Parse(soft, null), TimeSpan.Parse(hard, null)));
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IWidgetCache>());

        Assert.Contains(message, error.Failures);
    }

    [Fact]
    public void Options_WidgetTimeoutsAgainstTheTiers_AreValidatedTogether()
    {
        var options = new WidgetCacheOptions();
        options.Widgets["dashboard_stats"] = new WidgetOptions { Tier = WidgetTier.Heavy, SoftTimeout = TimeSpan.FromSeconds(20) };
        options.Widgets["live_calls"] = new WidgetOptions { Tier = WidgetTier.Live, HardTimeout = TimeSpan.Zero, SoftTimeout = TimeSpan.FromSeconds(20) };

        var errors = options.Validate();

        Assert.Equal(
            [$"Cache:Widgets:dashboard_stats:SoftTimeout (00:00:20) must be shorter than its HardTimeout ({options.Heavy.HardTimeout}), or 0 to turn it off."],
            errors);
    }

    [Fact]
    public void Options_Defaults_HaveBothTimeoutsOnEveryTier_SoftShorterThanHard()
    {
        var options = new WidgetCacheOptions();
        foreach (var tier in WidgetTiers.All)
        {
            var t = options.For(tier);
            Assert.True(t.SoftTimeout > TimeSpan.Zero && t.SoftTimeout < t.HardTimeout, tier.ToString());
        }

        Assert.Empty(options.Validate());
    }

    [Fact]
    public async Task HardTimeout_L2ThatNeverAnswers_IsNotCounted_TheValueIsComputedAfterTheLockWait()
    {
        // A shared store that hangs (a Redis master dead, not yet replaced): the cache's own trouble is never a timeout.
        await using var f = new CacheFixture(WaitsOnL2, new HangingStore(), new(Hour));

        var pending = f.Recent.GetOrComputeAsync(1, 7, static (v, _, _) => new ValueTask<int>(v)).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1)); // the hard timeout from the request, but the source has not been called
        Assert.False(pending.IsCompleted);
        f.Time.Advance(TimeSpan.FromSeconds(1)); // the lock wait bounds what comes before the computation

        var result = await pending.WaitAsync(Bound);
        Assert.Equal((CacheOutcome.Miss, 7), (result.Outcome, result.Value));
        Assert.Equal(0, Stats(f).HardTimeouts);
        Assert.True(f.Cache.GetStatistics().Fallbacks > 0, "the L2 read that did not answer was not counted as a fallback");
    }

    [Fact]
    public async Task HardTimeout_L2Down_TheComputationIsAFallback_ItsCallersWaitForIt()
    {
        // Redis down (the breaker open): every computation reads the database while L1 was just dropped, so the database
        // is slow; the seed's promise is a value computed directly, not a 503 made of the cache's trouble.
        await using var f = new CacheFixture(WaitsOnL2, new DownStore(), new(Hour));
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        var joiner = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(pending.IsCompleted);
        Assert.False(joiner.IsCompleted);
        gate.SetResult(3);

        Assert.Equal((CacheOutcome.Miss, 3), await OutcomeOf(pending));
        Assert.Equal((CacheOutcome.Miss, 3), await OutcomeOf(joiner));
        Assert.Equal(0, Stats(f).HardTimeouts);
    }

    [Fact]
    public async Task HardTimeout_L2Answering_StillBoundsASlowComputation()
    {
        var time = new FakeTimeProvider(Hour);
        await using var f = new CacheFixture(WaitsOnL2, new InMemoryWidgetCacheStore(time), time);
        var gate = new TaskCompletionSource<int>();

        var pending = f.Recent.GetOrComputeAsync(1, gate, Held).AsTask();
        f.Time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(Bound));
        gate.SetResult(3);
    }

    private static async Task<(CacheOutcome, int)> OutcomeOf(Task<CacheResult<int>> pending)
    {
        var result = await pending.WaitAsync(Bound);
        return (result.Outcome, result.Value);
    }

    private static void WaitsOnL2(WidgetCacheOptions o)
    {
        o.Statistics.SoftTimeout = TimeSpan.Zero;
        o.Statistics.HardTimeout = TimeSpan.FromSeconds(1);
        o.DistributedLockWait = TimeSpan.FromSeconds(2);
    }

    /// <summary>Waits (yielding, bounded) until the computation let go has stored its value.</summary>
    private static async Task StoredAsync(CacheFixture f)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!f.Cache.IsCached(f.Recent, 1))
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "The computation's value was never stored.");
            await Task.Yield();
        }
    }

    private static async Task<(CacheOutcome, int)> OutcomeAsync(CacheFixture f)
    {
        var result = await f.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(99));
        return (result.Outcome, result.Value);
    }

    /// <summary>A "today" figure that ends at a given instant.</summary>
    private sealed record Today(int Calls, DateTimeOffset ValidUntil) : IExpiringValue;

    /// <summary>A shared store that is down: every call fails at once, as with Redis's circuit open.</summary>
    private sealed class DownStore : IWidgetCacheStore
    {
        public ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken) => throw new IOException("down");

        public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken) => throw new IOException("down");

        public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken) => throw new IOException("down");

        public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken) => throw new IOException("down");
    }

    /// <summary>A shared store whose reads never answer until cancelled; writes succeed.</summary>
    private sealed class HangingStore : IWidgetCacheStore
    {
        public async ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return null;
        }

        public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken) => new([]);

        public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
