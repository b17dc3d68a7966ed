namespace AskProAI.Data.Internal;

/// <summary>
/// When demo calls happen: hour slots over the last days, weighted by the company's local hour of day and day of week
/// (busy on weekday business hours, quiet at night and on Sundays) and a slight growth over the period.
/// </summary>
internal sealed class DemoCalendar
{
    private static readonly double[] HourWeights =
    [
        0.02, 0.01, 0.01, 0.01, 0.01, 0.03, 0.10, 0.35, 0.80, 1.00, 1.00, 0.95,
        0.70, 0.80, 0.95, 0.90, 0.80, 0.60, 0.40, 0.25, 0.15, 0.10, 0.06, 0.03,
    ];

    // Indexed by DayOfWeek: Sunday first.
    private static readonly double[] DayWeights = [0.15, 1.00, 1.00, 0.95, 1.00, 0.90, 0.45];

    private readonly long[] _slotStart;
    private readonly long[] _slotLength;
    private readonly double[] _cumulative;

    public DemoCalendar(DateTime now, int days, TimeZoneInfo timeZone)
    {
        Now = now;
        TimeZone = timeZone;
        WindowStart = now.AddDays(-days);
        WindowEnd = now.AddMinutes(-15);

        var localNow = TimeZoneInfo.ConvertTimeFromUtc(now, timeZone);
        var localMidnightUtc = DateTime.SpecifyKind(localNow.Date - timeZone.GetUtcOffset(localNow), DateTimeKind.Utc);

        // "Today" in both the company's zone and UTC, so either reading of the dashboard finds calls today.
        TodayStart = localMidnightUtc > now.Date ? localMidnightUtc : now.Date;
        YesterdayStart = TodayStart.AddDays(-1);

        var first = new DateTime(WindowStart.Ticks - (WindowStart.Ticks % TimeSpan.TicksPerHour), DateTimeKind.Utc);
        var count = (int)((WindowEnd - first).Ticks / TimeSpan.TicksPerHour) + 1;
        _slotStart = new long[count];
        _slotLength = new long[count];
        _cumulative = new double[count];
        var total = 0.0;
        var span = (double)(WindowEnd - WindowStart).Ticks;
        for (var i = 0; i < count; i++)
        {
            var start = Math.Max(first.Ticks + (i * TimeSpan.TicksPerHour), WindowStart.Ticks);
            var end = Math.Min(first.Ticks + ((i + 1) * TimeSpan.TicksPerHour), WindowEnd.Ticks);
            var length = Math.Max(0, end - start);
            var local = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(start, DateTimeKind.Utc), timeZone);
            var trend = 0.85 + (0.3 * (start - WindowStart.Ticks) / span);
            total += HourWeights[local.Hour] * DayWeights[(int)local.DayOfWeek] * trend * length / TimeSpan.TicksPerHour;
            _slotStart[i] = start;
            _slotLength[i] = length;
            _cumulative[i] = total;
        }
    }

    public DateTime Now { get; }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>Gets the start of the period the calls reach back to.</summary>
    public DateTime WindowStart { get; }

    /// <summary>Gets the end of the naturally spread calls; the last 15 minutes get placed calls only.</summary>
    public DateTime WindowEnd { get; }

    public DateTime TodayStart { get; }

    public DateTime YesterdayStart { get; }

    /// <summary>Draws a start time from the weighted period, to the second.</summary>
    public DateTime SampleStart(DemoRandom random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        index = index < 0 ? ~index : index;
        index = Math.Min(index, _cumulative.Length - 1);
        var ticks = _slotStart[index] + (long)(random.NextDouble() * _slotLength[index]);
        return Seconds(ticks);
    }

    /// <summary>Draws a time in [from, to), to the second.</summary>
    public static DateTime Between(DemoRandom random, DateTime from, DateTime to)
    {
        var span = Math.Max(TimeSpan.TicksPerSecond, (to - from).Ticks);
        return Seconds(from.Ticks + (long)(random.NextDouble() * span));
    }

    /// <summary>Converts a company-local wall time to UTC.</summary>
    public DateTime ToUtc(DateTime local)
        => DateTime.SpecifyKind(local - TimeZone.GetUtcOffset(local), DateTimeKind.Utc);

    public DateTime ToLocal(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(utc, TimeZone);

    public static DateTime Seconds(long ticks) => new(ticks - (ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    /// <summary>Finds a time zone by IANA id, falling back to UTC where the machine has no time zone data.</summary>
    public static TimeZoneInfo FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return TimeZoneInfo.Utc;
        }
        catch (InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
