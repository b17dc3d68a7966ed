namespace AskProAI.Caching.Tests.Internal;

/// <summary>A part that remembers which days went into it, so a fold shows exactly what was cached and what was loaded.</summary>
internal sealed record Tally(int Count, int Loads) : IDayPart<Tally>
{
    public static Tally Empty { get; } = new(0, 0);

    public static Tally Combine(Tally earlier, Tally later) => new(earlier.Count + later.Count, earlier.Loads + later.Loads);
}

public sealed class DaySegmentCacheTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateOnly Day1 = new(2025, 8, 1);

    /// <summary>A "database": rows per day, and a count of load calls and days loaded.</summary>
    private sealed class Source
    {
        public Dictionary<DateOnly, int> Rows { get; } = [];

        public int Loads { get; private set; }

        public int DaysLoaded { get; private set; }

        public Func<Task>? Gate { get; set; }

        public async ValueTask<IReadOnlyDictionary<DateOnly, Tally>> LoadAsync(DateOnly first, DateOnly last)
        {
            Loads++;
            var result = new Dictionary<DateOnly, Tally>();
            var snapshot = Rows.ToDictionary(r => r.Key, r => r.Value);
            if (Gate is { } gate)
            {
                await gate();
            }

            for (var d = first; d <= last; d = d.AddDays(1))
            {
                DaysLoaded++;
                if (snapshot.TryGetValue(d, out var n))
                {
                    result[d] = new Tally(n, 1);
                }
            }

            return result;
        }
    }

    private static ValueTask<IReadOnlyList<Tally>> ReadAsync(CacheFixture cache, Source source, int companyId, DateOnly first, DateOnly last, TimeZoneInfo? zone = null) =>
        cache.Segments.GetDaysAsync(cache.Heavy, companyId, zone ?? Berlin, first, last, source, static (s, a, b, _) => s.LoadAsync(a, b));

    [Theory]
    [InlineData(CacheMode.Disabled)]
    [InlineData(CacheMode.Legacy)]
    public async Task GetDays_ModeNotOptimized_ReadsEveryDayFromTheSourceEachTime(CacheMode mode)
    {
        await using var cache = new CacheFixture();
        cache.Cache.SetMode(mode, widget: cache.Heavy.Name);
        var source = new Source { Rows = { [Day1] = 3, [Day1.AddDays(2)] = 5 } };

        var first = await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));
        var second = await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));

        Assert.Equal([3, 0, 5, 0, 0], second.Select(p => p.Count));
        Assert.Equal(first.Select(p => p.Count), second.Select(p => p.Count));
        Assert.Equal(2, source.Loads);
        Assert.Equal(10, source.DaysLoaded);
    }

    [Fact]
    public async Task GetDays_SecondRead_ServesEveryDayFromTheCache()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 3, [Day1.AddDays(2)] = 5 } };

        var first = await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));
        var second = await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));

        Assert.Equal(new[] { 3, 0, 5, 0, 0 }, first.Select(p => p.Count));
        Assert.Equal(first, second);
        Assert.Equal(1, source.Loads); // one load for the run of five missing days, none for the second read
        Assert.Equal(5, cache.Segments.GetStatistics().DaysServed);
    }

    [Fact]
    public async Task InvalidateDays_ReloadsOnlyTheTouchedDay()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 3, [Day1.AddDays(2)] = 5 } };
        await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));

        source.Rows[Day1.AddDays(2)] = 6;
        // 23:30 UTC on Aug 2 is 01:30 on Aug 3 in Berlin: the local day, not the UTC one, is invalidated.
        await cache.Segments.InvalidateDaysAsync(cache.Heavy, 1, Berlin, [new DateTimeOffset(2025, 8, 2, 23, 30, 0, TimeSpan.Zero)]);
        var parts = await ReadAsync(cache, source, 1, Day1, Day1.AddDays(4));

        Assert.Equal(new[] { 3, 0, 6, 0, 0 }, parts.Select(p => p.Count));
        Assert.Equal(6, source.DaysLoaded); // five, then the one day
        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task InvalidateDays_OtherCompany_KeepsItsDays()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 1 } };
        await ReadAsync(cache, source, 1, Day1, Day1);
        await ReadAsync(cache, source, 2, Day1, Day1);

        await cache.Segments.InvalidateDaysAsync(cache.Heavy, 2, Berlin, [new DateTimeOffset(2025, 8, 1, 12, 0, 0, TimeSpan.Zero)]);
        await ReadAsync(cache, source, 1, Day1, Day1);

        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task GetDays_InvalidatedWhileLoading_ReturnsTheLoadButDoesNotKeepIt()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 1 } };
        var loading = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        source.Gate = async () =>
        {
            loading.SetResult();
            await release.Task;
        };

        var read = ReadAsync(cache, source, 1, Day1, Day1).AsTask();
        await loading.Task;
        source.Rows[Day1] = 2; // the write commits after the load read its rows
        await cache.Segments.InvalidateDaysAsync(cache.Heavy, 1, Berlin, [new DateTimeOffset(2025, 8, 1, 12, 0, 0, TimeSpan.Zero)]);
        release.SetResult();
        Assert.Equal(1, (await read)[0].Count);

        source.Gate = null;
        var again = await ReadAsync(cache, source, 1, Day1, Day1);
        Assert.Equal(2, again[0].Count);
    }

    [Theory]
    [InlineData("all")]
    [InlineData("company")]
    [InlineData("widget")]
    [InlineData("heavy_data")]
    public async Task BroadTagInvalidation_DropsTheDays(string scope)
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 1 } };
        await ReadAsync(cache, source, 1, Day1, Day1.AddDays(1));

        await cache.Cache.InvalidateAsync(scope switch
        {
            "all" => CacheTag.All,
            "company" => CacheTag.Company(1),
            "widget" => CacheTag.Widget("dashboard_stats"),
            _ => CacheTag.CompanyDataType(1, WidgetTier.Heavy),
        });
        await ReadAsync(cache, source, 1, Day1, Day1.AddDays(1));

        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task CompanyWidgetTag_TheWritePathsTag_KeepsTheDays()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 1 } };
        await ReadAsync(cache, source, 1, Day1, Day1);

        await cache.Cache.InvalidateAsync(CacheTag.CompanyWidget("dashboard_stats", 1));
        await ReadAsync(cache, source, 1, Day1, Day1);

        Assert.Equal(1, source.Loads);
    }

    [Fact]
    public async Task GetDays_AnotherZone_StartsOver()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 1 } };
        await ReadAsync(cache, source, 1, Day1, Day1);

        await ReadAsync(cache, source, 1, Day1, Day1, TimeZoneInfo.FindSystemTimeZoneById("Asia/Yangon"));

        Assert.Equal(2, source.Loads);
    }

    [Fact]
    public async Task GetDays_MissingDaysInTwoRuns_LoadsEachRunOnce()
    {
        await using var cache = new CacheFixture();
        var source = new Source();
        await ReadAsync(cache, source, 1, Day1, Day1.AddDays(6));
        foreach (var day in new[] { 1, 2, 5 })
        {
            await cache.Segments.InvalidateDaysAsync(cache.Heavy, 1, Berlin, [new DateTimeOffset(Day1.AddDays(day).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero)]);
        }

        await ReadAsync(cache, source, 1, Day1, Day1.AddDays(6));

        Assert.Equal(3, source.Loads); // all seven, then days 1-2 and day 5
        Assert.Equal(10, source.DaysLoaded);
    }

    [Fact]
    public void Fold_IsTheSumOfTheParts()
    {
        var total = DaySegments.Fold([new Tally(1, 1), Tally.Empty, new Tally(4, 1)]);
        Assert.Equal(new Tally(5, 2), total);
    }
    [Fact]
    public async Task DaysOfACompanyNoLongerCached_AreDroppedWithItsState_AndAnInvalidationMeanwhileIsNotLost()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 3 } };
        await cache.GetAsync(cache.Heavy, 7, new Counter());
        await ReadAsync(cache, source, 7, Day1, Day1.AddDays(1));

        // Read within a sweep interval and the widget is cached: the days and the company's state stay.
        cache.Engine.Sweep();
        Assert.Equal(1, cache.Cache.GetStatistics().Companies);
        Assert.Equal(2, cache.Segments.GetStatistics().Entries);

        // The widget's entry goes, a sweep interval passes: the days go, and with them the company's state.
        await cache.Cache.InvalidateAsync(CacheTag.CompanyWidget(cache.Heavy.Name, 7));
        cache.Time.Advance(TimeSpan.FromMinutes(1));
        cache.Engine.Sweep();
        Assert.Equal((0L, 0), (cache.Cache.GetStatistics().Companies, cache.Segments.GetStatistics().Entries));

        // A company-wide invalidation while nothing is kept, then a read: the days come from the source again.
        source.Rows[Day1] = 4;
        await cache.Cache.InvalidateAsync(CacheTag.Company(7));
        var days = await ReadAsync(cache, source, 7, Day1, Day1.AddDays(1));
        Assert.Equal(4, days[0].Count);
    }

    [Fact]
    public async Task DaysWhoseWidgetIsCached_StayAfterASweepInterval()
    {
        await using var cache = new CacheFixture();
        var source = new Source { Rows = { [Day1] = 3 } };
        await ReadAsync(cache, source, 8, Day1, Day1.AddDays(1));
        await cache.GetAsync(cache.Heavy, 8, new Counter());
        cache.Time.Advance(TimeSpan.FromSeconds(61));
        cache.Engine.Sweep();

        Assert.Equal(2, cache.Segments.GetStatistics().Entries);
        await ReadAsync(cache, source, 8, Day1, Day1.AddDays(1));
        Assert.Equal(1, source.Loads);
    }
}
