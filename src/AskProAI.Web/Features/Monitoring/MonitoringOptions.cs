using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Monitoring;

/// <summary>Monitoring settings, section <c>Monitoring</c>.</summary>
internal sealed class MonitoringOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Monitoring";

    /// <summary>Gets or sets the duration from which a database command is logged as slow.</summary>
    /// <value>The default value is 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan SlowQueryThreshold { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the path of the Prometheus scrape endpoint.</summary>
    /// <value>The default value is <c>/metrics</c>.</value>
    [Required]
    [RegularExpression("^/[a-z0-9/_-]*$")]
    public string MetricsPath { get; set; } = "/metrics";
}

/// <summary>Validates <see cref="MonitoringOptions"/> from its attributes, by the options source generator.</summary>
[OptionsValidator]
internal sealed partial class MonitoringOptionsValidator : IValidateOptions<MonitoringOptions>;
