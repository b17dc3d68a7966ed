namespace AskProAI.Caching.Tests;

public class WidgetKeyTests
{
    private static readonly DateTimeOffset At = new(2025, 8, 6, 18, 7, 30, TimeSpan.Zero);

    [Fact]
    public void ToString_HeavyTier_UsesHourBucket() =>
        Assert.Equal("widget:dashboard_stats:123:2025-08-06-18", WidgetKey.Create("dashboard_stats", WidgetTier.Heavy, 123, At).ToString());

    [Fact]
    public void ToString_StatisticsTier_UsesHourBucket() =>
        Assert.Equal("widget:recent_calls:7:2025-08-06-18", WidgetKey.Create("recent_calls", WidgetTier.Statistics, 7, At).ToString());

    [Fact]
    public void ToString_LiveTier_UsesMinuteBucket() =>
        Assert.Equal("widget:live_calls:123:2025-08-06-18-07", WidgetKey.Create("live_calls", WidgetTier.Live, 123, At).ToString());

    [Fact]
    public void Previous_AtTopOfHour_IsThePreviousHour()
    {
        var key = WidgetKey.Create("dashboard_stats", WidgetTier.Heavy, 1, new DateTimeOffset(2025, 8, 7, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("widget:dashboard_stats:1:2025-08-06-23", key.Previous().ToString());
    }

    [Fact]
    public void Create_OffsetInstant_BucketsInUtc()
    {
        var local = new DateTimeOffset(2025, 8, 6, 20, 7, 30, TimeSpan.FromHours(2));
        Assert.Equal(WidgetKey.Create("recent_calls", WidgetTier.Statistics, 1, At), WidgetKey.Create("recent_calls", WidgetTier.Statistics, 1, local));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Dashboard")]
    [InlineData("dashboard:stats")]
    [InlineData("stats:1:2025")]
    [InlineData("a b")]
    [InlineData("ünicode")]
    [InlineData("widget*")]
    public void Create_InvalidName_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => WidgetKey.Create(name, WidgetTier.Live, 1, At));

    [Fact]
    public void Create_TooLongName_Throws() =>
        Assert.Throws<ArgumentException>(() => WidgetKey.Create(new string('a', WidgetName.MaxLength + 1), WidgetTier.Live, 1, At));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Create_NonPositiveCompany_Throws(int companyId) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => WidgetKey.Create("live_calls", WidgetTier.Live, companyId, At));

    [Fact]
    public void TryFormat_IntoSpan_AllocatesNothing()
    {
        var key = WidgetKey.Create("dashboard_stats", WidgetTier.Heavy, int.MaxValue, At);
        Span<char> buffer = stackalloc char[key.FormattedLength];
        Assert.True(key.TryFormat(buffer, out _));
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            key.TryFormat(buffer, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(key.TryFormat(buffer, out var written));
        Assert.Equal("widget:dashboard_stats:2147483647:2025-08-06-18", buffer[..written].ToString());
    }

    [Fact]
    public void TryFormat_TooSmall_ReturnsFalse() =>
        Assert.False(WidgetKey.Create("live_calls", WidgetTier.Live, 1, At).TryFormat(new char[10], out _));
}
