namespace AskProAI.Contracts;

/// <summary>When the scheduled warms run next.</summary>
public sealed record ScheduleStats
{
    /// <summary>Gets the warm's cron expression.</summary>
    public string? Cron { get; init; }

    /// <summary>Gets the time zone the cron expression is read in.</summary>
    public string? TimeZone { get; init; }

    /// <summary>Gets when the next scheduled warm runs.</summary>
    public DateTimeOffset? NextWarm { get; init; }

    /// <summary>Gets when the next pre-hour warm runs.</summary>
    public DateTimeOffset? NextPreHour { get; init; }
}
