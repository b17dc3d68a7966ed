using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>Calendar days of a company: its time zone (UTC when unknown) and the instant "now".</summary>
internal readonly record struct CompanyCalendar(TimeZoneInfo TimeZone, DateTimeOffset Now)
{
    /// <summary>Gets today's date in the company's time zone.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeZone).DateTime);

    /// <summary>Gets "now" as a UTC <see cref="DateTime"/>, the form the database stores.</summary>
    public DateTime NowUtc => Now.UtcDateTime;

    /// <summary>Loads the company's time zone.</summary>
    public static async Task<CompanyCalendar> LoadAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = await db.Companies.AsNoTracking()
            .Where(c => c.Id == companyId)
            .Select(c => c.TimeZone)
            .FirstOrDefaultAsync(cancellationToken);
        return new CompanyCalendar(Resolve(id), now);
    }

    /// <summary>Finds a time zone by IANA or Windows id, falling back to UTC.</summary>
    public static TimeZoneInfo Resolve(string? id) =>
        !string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The UTC instant a local day starts.</summary>
    public DateTime StartOfDayUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);

        // A few zones skip midnight on DST days; the day then starts at the first valid local time.
        while (TimeZone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }

    /// <summary>The local date of a UTC instant as read from the database.</summary>
    public DateOnly LocalDateOf(DateTime utc) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone));
}
