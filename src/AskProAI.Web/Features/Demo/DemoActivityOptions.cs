using System.ComponentModel.DataAnnotations;

namespace AskProAI.Web.Features.Demo;

/// <summary>The demo's trickle of live calls, bound from the <c>DemoActivity</c> configuration section.</summary>
internal sealed class DemoActivityOptions : IValidatableObject
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "DemoActivity";

    /// <summary>Gets or sets whether the service starts and ends demo calls. It writes calls into every company: never enable it on real data.</summary>
    /// <value>The default value is <see langword="false"/>; <c>appsettings.Development.json</c> sets <see langword="true"/>.</value>
    public bool Enabled { get; set; }

    /// <summary>Gets or sets the pause between two new calls (one call, in a random branch of any company).</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the shortest demo call.</summary>
    /// <value>The default value is 20 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ShortestCall { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Gets or sets the longest demo call.</summary>
    /// <value>The default value is 3 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LongestCall { get; set; } = TimeSpan.FromMinutes(3);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LongestCall < ShortestCall)
        {
            yield return new ValidationResult("DemoActivity:LongestCall must not be shorter than ShortestCall.", [nameof(LongestCall)]);
        }
    }
}
