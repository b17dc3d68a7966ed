namespace AskProAI.Caching;

/// <summary>
/// Local calendar days of a time zone, the keys of day segments: whole, half-hour and quarter-hour offsets and
/// daylight saving changes are handled by <see cref="TimeZoneInfo"/>, never by folding UTC hours.
/// </summary>
public static class LocalDay
{
    /// <summary>The local date of an instant in the zone.</summary>
    public static DateOnly Of(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);
    }

    /// <summary>The local date of a UTC <see cref="DateTime"/> (its kind is ignored: database values are UTC).</summary>
    public static DateOnly Of(DateTime utc, TimeZoneInfo zone) =>
        Of(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Unspecified), TimeSpan.Zero), zone);

    /// <summary>
    /// The instant a local day starts: local midnight, or the first local time that exists when a daylight saving
    /// change skips midnight; when midnight happens twice, the first of the two.
    /// </summary>
    public static DateTimeOffset Start(DateOnly day, TimeZoneInfo zone) => AtLocalTime(day, TimeOnly.MinValue, zone);

    /// <summary>The instant the day after <paramref name="day"/> starts (the end of the day, exclusive).</summary>
    public static DateTimeOffset End(DateOnly day, TimeZoneInfo zone) => Start(day.AddDays(1), zone);

    /// <summary>
    /// The instant of a local wall-clock time on a day: a time skipped by a daylight saving change moves forward to
    /// the first that exists; a repeated time is its first occurrence.
    /// </summary>
    public static DateTimeOffset AtLocalTime(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        var nextDay = day.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

        // Gaps are whole minutes (30 or 60 in every zone in use); a time inside one moves to the gap's end.
        while (zone.IsInvalidTime(local) && local < nextDay)
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
