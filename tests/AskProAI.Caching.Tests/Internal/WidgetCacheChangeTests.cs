namespace AskProAI.Caching.Tests.Internal;

/// <summary>
/// Writes applied to cached values (ADR 0015): a value whose computation ended before the write began is updated in
/// place; any other value, a refused change, a computation in flight and every distributed set-up fall back to
/// invalidation.
/// </summary>
public sealed class WidgetCacheChangeTests
{
    private const int Company = 41;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private sealed record Box(int N);

    private static ValueTask<CacheResult<Box>> GetAsync(CacheFixture cache, Counter computations, int seed = 0) =>
        cache.Cache.GetOrComputeAsync(cache.Recent, Company, (computations, seed), static (s, _, _) => new ValueTask<Box>(new Box(s.seed + s.computations.Next())));

    private static ValueTask<bool> AddAsync(CacheFixture cache, WriteTicket ticket, int n) =>
        cache.Cache.ApplyChangeAsync<int, Box>(cache.Recent, Company, ticket, n, static (box, add) => box with { N = box.N + add });

    [Fact]
    public async Task ApplyChange_ValueComputedBeforeTheWrite_IsUpdatedAndServedWithoutComputing()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        Assert.Equal(1, (await GetAsync(cache, computations)).Value.N);

        var ticket = cache.Cache.BeginWrite();
        Assert.True(await AddAsync(cache, ticket, 10));

        var after = await GetAsync(cache, computations);
        Assert.Equal(CacheOutcome.Hit, after.Outcome);
        Assert.Equal(11, after.Value.N);
        Assert.Equal(1, computations.Count);
        Assert.Equal(1, cache.Cache.GetStatistics().Widgets.Single(w => w.Widget == cache.Recent.Name).ChangesApplied);
    }

    [Fact]
    public async Task ApplyChange_EveryValueUpdated_CountedAsAppliedNotAsInvalidation()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        await GetAsync(cache, computations);
        var before = cache.Cache.GetStatistics();

        Assert.True(await AddAsync(cache, cache.Cache.BeginWrite(), 10));
        Assert.True(await AddAsync(cache, cache.Cache.BeginWrite(), 5));

        // The values were updated in place: nothing was dropped, so the statistics must not say it was invalidated.
        var after = cache.Cache.GetStatistics();
        Assert.Equal(before.Invalidations, after.Invalidations);
        Assert.Equal(before.AppliedChanges + 2, after.AppliedChanges);
        Assert.Equal(16, (await GetAsync(cache, computations)).Value.N);
    }

    [Fact]
    public async Task ApplyChange_NothingCached_CountedNeitherAppliedNorInvalidation()
    {
        await using var cache = new CacheFixture();

        // No value and no computation of the widget for this company: the write changed nothing in the cache.
        Assert.True(await AddAsync(cache, cache.Cache.BeginWrite(), 10));

        var statistics = cache.Cache.GetStatistics();
        Assert.Equal((0L, 0L), (statistics.Invalidations, statistics.AppliedChanges));
    }

    [Fact]
    public async Task ApplyChange_ValueDropped_CountedAsInvalidation()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        await GetAsync(cache, computations);
        var before = cache.Cache.GetStatistics();

        // Refused by the widget's step: the value is dropped, a real invalidation.
        Assert.False(await cache.Cache.ApplyChangeAsync<int, Box>(cache.Recent, Company, cache.Cache.BeginWrite(), 0, static (_, _) => null));

        var after = cache.Cache.GetStatistics();
        Assert.Equal(before.Invalidations + 1, after.Invalidations);
        Assert.Equal(before.AppliedChanges, after.AppliedChanges);
    }

    [Fact]
    public async Task ApplyChange_ComputationInFlight_CountedAsInvalidation()
    {
        await using var cache = new CacheFixture();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var inFlight = cache.Cache.GetOrComputeAsync(cache.Recent, Company, (release, started), static async (s, _, _) =>
        {
            s.started.SetResult();
            await s.release.Task;
            return new Box(1);
        }).AsTask();
        await started.Task;
        var before = cache.Cache.GetStatistics();

        // No value to update, but the computation's value is discarded: the next read computes again.
        await AddAsync(cache, cache.Cache.BeginWrite(), 10);
        release.SetResult();
        await inFlight;

        var after = cache.Cache.GetStatistics();
        Assert.Equal(before.Invalidations + 1, after.Invalidations);
        Assert.Equal(before.AppliedChanges, after.AppliedChanges);
    }

    [Fact]
    public async Task ApplyChange_WithL2_CountedAsInvalidation()
    {
        await using var cache = new CacheFixture(store: new InMemoryWidgetCacheStore());
        await GetAsync(cache, new Counter());
        var before = cache.Cache.GetStatistics();

        Assert.False(await AddAsync(cache, cache.Cache.BeginWrite(), 10));

        var after = cache.Cache.GetStatistics();
        Assert.Equal(before.Invalidations + 1, after.Invalidations);
        Assert.Equal(before.AppliedChanges, after.AppliedChanges);
    }

    [Fact]
    public async Task ApplyChange_ExpiredValue_IsDroppedNotRevived()
    {
        await using var cache = new CacheFixture(o => o.Statistics.Ttl = TimeSpan.FromMinutes(5));
        var computations = new Counter();
        await GetAsync(cache, computations);
        cache.Time.Advance(TimeSpan.FromMinutes(6));

        // Updating it would make an expired value valid again, and so servable as stale; it is dropped instead.
        Assert.False(await AddAsync(cache, cache.Cache.BeginWrite(), 10));

        var after = await GetAsync(cache, computations, seed: 100);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(102, after.Value.N);
    }

    [Fact]
    public async Task ApplyChange_ValueComputedAfterTheWriteBegan_IsDroppedAndComputedAgain()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        var ticket = cache.Cache.BeginWrite();

        // Computed after the write began: it may already contain the write, so adding it again could count it twice.
        await GetAsync(cache, computations, seed: 100);
        Assert.False(await AddAsync(cache, ticket, 10));

        var after = await GetAsync(cache, computations, seed: 100);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(102, after.Value.N);
    }

    [Fact]
    public async Task ApplyChange_ChangeRefused_DropsTheValue()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        await GetAsync(cache, computations);
        var ticket = cache.Cache.BeginWrite();

        Assert.False(await cache.Cache.ApplyChangeAsync<int, Box>(cache.Recent, Company, ticket, 0, static (_, _) => null));

        Assert.Equal(CacheOutcome.Miss, (await GetAsync(cache, computations)).Outcome);
        Assert.Equal(2, computations.Count);
    }

    [Fact]
    public async Task ApplyChange_SeveralWrites_EachAppliedOnce()
    {
        await using var cache = new CacheFixture();
        var computations = new Counter();
        await GetAsync(cache, computations);
        var first = cache.Cache.BeginWrite();
        var second = cache.Cache.BeginWrite();

        // Both writes began after the value was computed: both are applied, in either order.
        Assert.True(await AddAsync(cache, second, 100));
        Assert.True(await AddAsync(cache, first, 10));

        Assert.Equal(111, (await GetAsync(cache, computations)).Value.N);
        Assert.Equal(1, computations.Count);
    }

    [Fact]
    public async Task ApplyChange_ComputationInFlight_ItsValueIsNotKept()
    {
        await using var cache = new CacheFixture();
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var computations = new Counter();
        var inFlight = cache.Cache.GetOrComputeAsync(cache.Recent, Company, (release, started, computations), static async (s, _, _) =>
        {
            s.started.SetResult();
            await s.release.Task;
            return new Box(s.computations.Next());
        }).AsTask();
        await started.Task;

        // The write begins and commits while the computation runs: whether it read the row is unknown.
        var ticket = cache.Cache.BeginWrite();
        await AddAsync(cache, ticket, 10);
        release.SetResult();
        await inFlight;

        var after = await GetAsync(cache, computations, seed: 100);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(102, after.Value.N);
    }

    [Fact]
    public async Task ApplyChange_WithL2_InvalidatesInsteadOfUpdating()
    {
        await using var cache = new CacheFixture(store: new InMemoryWidgetCacheStore());
        var computations = new Counter();
        await GetAsync(cache, computations);
        var ticket = cache.Cache.BeginWrite();

        // Other instances hold copies that cannot be updated in step.
        Assert.False(await AddAsync(cache, ticket, 10));

        var after = await GetAsync(cache, computations);
        Assert.Equal(CacheOutcome.Miss, after.Outcome);
        Assert.Equal(2, after.Value.N);
    }

    [Fact]
    public async Task ApplyChange_LegacyMode_InvalidatesInsteadOfUpdating()
    {
        await using var cache = new CacheFixture();
        cache.Cache.SetMode(CacheMode.Legacy, widget: cache.Recent.Name);
        var computations = new Counter();
        await GetAsync(cache, computations);
        var ticket = cache.Cache.BeginWrite();

        // The seed design keeps its own TTL-only entries: the change is not applied to them.
        Assert.False(await AddAsync(cache, ticket, 10));
        Assert.Equal(1, (await GetAsync(cache, computations)).Value.N);
    }

    [Fact]
    public async Task ApplyDays_PartLoadedBeforeTheWrite_IsUpdatedWithoutLoading()
    {
        await using var cache = new CacheFixture();
        var loads = 0;
        var day = LocalDay.Of(cache.Time.GetUtcNow(), Berlin);
        ValueTask<IReadOnlyList<Tally>> ReadAsync() => cache.Segments.GetDaysAsync(cache.Heavy, Company, Berlin, day.AddDays(-2), day, 0, (_, first, last, _) =>
        {
            loads++;
            return new ValueTask<IReadOnlyDictionary<DateOnly, Tally>>(new Dictionary<DateOnly, Tally> { [last] = new(5, 1) });
        });
        Assert.Equal(5, (await ReadAsync())[^1].Count);

        var ticket = cache.Cache.BeginWrite();
        Assert.True(await cache.Segments.ApplyDaysAsync<Tally>(cache.Heavy, Company, Berlin, ticket, [new(cache.Time.GetUtcNow(), t => t with { Count = t.Count + 1 })]));

        var parts = await ReadAsync();
        Assert.Equal(6, parts[^1].Count);
        Assert.Equal(1, loads);
        Assert.Equal(1, cache.Segments.GetStatistics().DaysApplied);

        // Applied, not invalidated: the part stayed (updated).
        Assert.Equal(0, cache.Segments.GetStatistics().DaysInvalidated);
    }

    [Fact]
    public async Task ApplyDays_PartLoadedAfterTheWriteBegan_IsLoadedAgain()
    {
        await using var cache = new CacheFixture();
        var loads = 0;
        var day = LocalDay.Of(cache.Time.GetUtcNow(), Berlin);
        ValueTask<IReadOnlyList<Tally>> ReadAsync() => cache.Segments.GetDaysAsync(cache.Heavy, Company, Berlin, day, day, 0, (_, first, last, _) =>
        {
            loads++;
            return new ValueTask<IReadOnlyDictionary<DateOnly, Tally>>(new Dictionary<DateOnly, Tally> { [last] = new(5 + loads, 1) });
        });
        var ticket = cache.Cache.BeginWrite();
        await ReadAsync();

        Assert.False(await cache.Segments.ApplyDaysAsync<Tally>(cache.Heavy, Company, Berlin, ticket, [new(cache.Time.GetUtcNow(), t => t with { Count = t.Count + 100 })]));

        Assert.Equal(7, (await ReadAsync())[0].Count);
        Assert.Equal(2, loads);
        Assert.Equal((1L, 0L), (cache.Segments.GetStatistics().DaysInvalidated, cache.Segments.GetStatistics().DaysApplied));
    }

    [Fact]
    public async Task GetDays_WithL2_TodayIsLoadedEveryTime()
    {
        await using var cache = new CacheFixture(store: new InMemoryWidgetCacheStore());
        var loads = 0;
        var today = LocalDay.Of(cache.Time.GetUtcNow(), Berlin);
        ValueTask<IReadOnlyList<Tally>> ReadAsync() => cache.Segments.GetDaysAsync(cache.Heavy, Company, Berlin, today.AddDays(-1), today, 0, (_, first, last, _) =>
        {
            loads += last.DayNumber - first.DayNumber + 1;
            return new ValueTask<IReadOnlyDictionary<DateOnly, Tally>>(new Dictionary<DateOnly, Tally>());
        });
        await ReadAsync();
        await ReadAsync();

        // Other instances do not hear of today's writes: yesterday is kept, today is read each time.
        Assert.Equal(3, loads);
    }
}
