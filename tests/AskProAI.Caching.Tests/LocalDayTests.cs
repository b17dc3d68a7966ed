namespace AskProAI.Caching.Tests;

public sealed class LocalDayTests
{
    private static TimeZoneInfo Zone(string id) => TimeZoneInfo.FindSystemTimeZoneById(id);

    [Theory]
    [InlineData("Asia/Yangon", "2025-08-05T17:29:59Z", "2025-08-05")] // 23:59:59 +6:30
    [InlineData("Asia/Yangon", "2025-08-05T17:30:00Z", "2025-08-06")] // 00:00 +6:30
    [InlineData("America/St_Johns", "2025-08-06T02:29:59Z", "2025-08-05")] // 23:59:59 -2:30 (daylight)
    [InlineData("America/St_Johns", "2025-08-06T02:30:00Z", "2025-08-06")]
    [InlineData("America/St_Johns", "2025-12-06T03:30:00Z", "2025-12-06")] // 00:00 -3:30 (standard)
    [InlineData("Asia/Kathmandu", "2025-08-05T18:15:00Z", "2025-08-06")] // 00:00 +5:45
    [InlineData("Europe/Berlin", "2025-08-05T22:00:00Z", "2025-08-06")]
    public void Of_HalfAndQuarterHourZones_CutsAtLocalMidnight(string zone, string instant, string expected)
    {
        var day = LocalDay.Of(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), Zone(zone));
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), day);
    }

    [Fact]
    public void Start_DstDays_AreTwentyThreeAndTwentyFiveHoursLong()
    {
        var berlin = Zone("Europe/Berlin");
        Assert.Equal(TimeSpan.FromHours(23), LocalDay.End(new DateOnly(2025, 3, 30), berlin) - LocalDay.Start(new DateOnly(2025, 3, 30), berlin));
        Assert.Equal(TimeSpan.FromHours(25), LocalDay.End(new DateOnly(2025, 10, 26), berlin) - LocalDay.Start(new DateOnly(2025, 10, 26), berlin));
        Assert.Equal(new DateTimeOffset(2025, 3, 29, 23, 0, 0, TimeSpan.Zero), LocalDay.Start(new DateOnly(2025, 3, 30), berlin));
    }

    [Fact]
    public void Start_MidnightSkippedByDst_IsTheFirstLocalTimeThatExists()
    {
        // Santiago moves from 00:00 to 01:00 on 2025-09-07: the day starts at 01:00 -03:00, the end of the day before.
        var santiago = Zone("America/Santiago");
        var start = LocalDay.Start(new DateOnly(2025, 9, 7), santiago);
        Assert.Equal(new DateTimeOffset(2025, 9, 7, 4, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(start, LocalDay.End(new DateOnly(2025, 9, 6), santiago));
        Assert.Equal(new DateOnly(2025, 9, 7), LocalDay.Of(start, santiago));
        Assert.Equal(new DateOnly(2025, 9, 6), LocalDay.Of(start.AddTicks(-1), santiago));
    }
}
