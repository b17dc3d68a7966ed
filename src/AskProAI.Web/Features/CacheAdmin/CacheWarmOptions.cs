using System.ComponentModel.DataAnnotations;
using Cronos;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>Warming settings, section <c>Cache:Warm</c>: the daily full warm and the pre-hour warm of active companies.</summary>
internal sealed class CacheWarmOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Cache:Warm";

    /// <summary>Gets or sets whether the daily full warm runs.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the cron expression (5 fields) of the full warm, in <see cref="TimeZone"/>.</summary>
    /// <value>The default value is <c>0 3 * * *</c> (daily at 03:00), as in the seed.</value>
    [Required]
    public string Cron { get; set; } = "0 3 * * *";

    /// <summary>Gets or sets the time zone (IANA or Windows id) the cron expression is read in.</summary>
    /// <value>The default value is <c>Europe/Berlin</c>.</value>
    [Required]
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Gets or sets how many widget computations a warm job runs at once, so the database is not flooded.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>Gets or sets whether the next hour's buckets of active companies are computed before the hour starts.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool PreHourEnabled { get; set; } = true;

    /// <summary>Gets or sets the minute of each hour from which the next hour's buckets are computed.</summary>
    /// <value>The default value is 55.</value>
    [Range(1, 58)]
    public int PreHourStartMinute { get; set; } = 55;

    /// <summary>Gets or sets the minute by which every pre-hour computation has started; the work is spread up to it.</summary>
    /// <value>The default value is 59.</value>
    [Range(2, 59)]
    public int PreHourEndMinute { get; set; } = 59;

    /// <summary>Gets or sets how recently a company's dashboard must have been requested for it to count as active.</summary>
    /// <value>The default value is 1 hour.</value>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan ActiveWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Gets or sets how many finished jobs the job tracker keeps.</summary>
    /// <value>The default value is 50.</value>
    [Range(1, 1000)]
    public int JobsKept { get; set; } = 50;

    /// <summary>Parses <see cref="Cron"/>.</summary>
    public CronExpression ParseCron() => CronExpression.Parse(Cron, CronFormat.Standard);

    /// <summary>Finds <see cref="TimeZone"/>.</summary>
    public TimeZoneInfo FindTimeZone() => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);

    /// <summary>What attributes cannot say: the cron expression parses, the time zone exists, the pre-hour window is in order.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        string? cronError = null;
        try
        {
            _ = ParseCron();
        }
        catch (CronFormatException ex)
        {
            cronError = $"Cache:Warm:Cron '{Cron}' is not a 5-field cron expression: {ex.Message}";
        }

        if (cronError is not null)
        {
            yield return new ValidationResult(cronError, [nameof(Cron)]);
        }

        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone ?? string.Empty, out _))
        {
            yield return new ValidationResult($"Cache:Warm:TimeZone '{TimeZone}' is not a known time zone id (e.g. Europe/Berlin).", [nameof(TimeZone)]);
        }

        if (PreHourStartMinute >= PreHourEndMinute)
        {
            yield return new ValidationResult("Cache:Warm:PreHourStartMinute must be before PreHourEndMinute.", [nameof(PreHourStartMinute)]);
        }
    }
}

/// <summary>Validates <see cref="CacheWarmOptions"/>: its attributes and its cross-field rules, by the options source generator.</summary>
[OptionsValidator]
internal sealed partial class CacheWarmOptionsValidator : IValidateOptions<CacheWarmOptions>;
