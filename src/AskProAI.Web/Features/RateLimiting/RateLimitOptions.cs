using System.ComponentModel.DataAnnotations;

namespace AskProAI.Web.Features.RateLimiting;

/// <summary>Rate limits per client address, section <c>RateLimits</c>; over a limit the answer is 429 with <c>Retry-After</c>.</summary>
internal sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Gets or sets how many requests one client may send per second to any route (a token bucket refilled every second).</summary>
    /// <value>The default value is 500 (the heavy load run peaks at 155 from one address).</value>
    [Range(1, 1_000_000)]
    public int GlobalPerSecond { get; set; } = 500;

    /// <summary>Gets or sets how many login and refresh attempts one client may make per <see cref="LoginWindow"/>.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 1_000_000)]
    public int LoginPermits { get; set; } = 20;

    /// <summary>Gets or sets the window of <see cref="LoginPermits"/>.</summary>
    /// <value>The default value is 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan LoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets how many webhook requests one client may send per second.</summary>
    /// <value>The default value is 100.</value>
    [Range(1, 1_000_000)]
    public int WebhooksPerSecond { get; set; } = 100;

    /// <summary>Gets or sets how many failed sign-ins one client may make for one email before that pair is refused.</summary>
    /// <value>The default value is 10.</value>
    [Range(1, 1000)]
    public int MaxFailedSignIns { get; set; } = 10;

    /// <summary>Gets or sets how long a (client, email) pair is refused after <see cref="MaxFailedSignIns"/> failures.</summary>
    /// <value>The default value is 15 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignInLockout { get; set; } = TimeSpan.FromMinutes(15);
}
