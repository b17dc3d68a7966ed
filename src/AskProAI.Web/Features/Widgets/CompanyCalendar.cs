using AskProAI.Caching;

namespace AskProAI.Web.Features.Widgets;

/// <summary>Calendar days of a company: its time zone (UTC when unknown) and the instant "now".</summary>
internal readonly record struct CompanyCalendar(TimeZoneInfo TimeZone, DateTimeOffset Now)
{
    /// <summary>Gets today's date in the company's time zone.</summary>
    public DateOnly Today => LocalDay.Of(Now, TimeZone);

    /// <summary>Gets "now" as a UTC <see cref="DateTime"/>, the form the database stores.</summary>
    public DateTime NowUtc => Now.UtcDateTime;

    /// <summary>Gets the instant today ends (the next local midnight): a value computed for today is not served after it.</summary>
    public DateTimeOffset EndOfToday => LocalDay.End(Today, TimeZone);

    /// <summary>Loads the company's time zone.</summary>
    public static async Task<CompanyCalendar> LoadAsync(CompanyTimeZones zones, Data.AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken) =>
        new(await zones.GetAsync(companyId, db, cancellationToken), now);

    /// <summary>Finds a time zone by IANA or Windows id, falling back to UTC.</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The UTC instant a local day starts (the first valid local time when a DST change skips midnight).</summary>
    public DateTime StartOfDayUtc(DateOnly day) => LocalDay.Start(day, TimeZone).UtcDateTime;

    /// <summary>The local date of a UTC instant as read from the database.</summary>
    public DateOnly LocalDateOf(DateTime utc) => LocalDay.Of(utc, TimeZone);
}
