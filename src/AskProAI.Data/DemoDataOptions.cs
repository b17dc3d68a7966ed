using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AskProAI.Data;

/// <summary>The size and shape of generated demo data, bound from the <c>DemoData</c> configuration section.</summary>
public sealed class DemoDataOptions : IValidatableObject
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "DemoData";

    /// <summary>Gets or sets the random seed; the same seed and "now" give identical rows.</summary>
    /// <value>The default value is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the number of companies, created with ids 1..N.</summary>
    /// <value>The default value is 20.</value>
    [Range(1, 10_000)]
    public int Companies { get; set; } = 20;

    /// <summary>Gets or sets the number of calls per company, ongoing ones included.</summary>
    /// <value>The default value is 50,000.</value>
    [Range(0, 10_000_000)]
    public int CallsPerCompany { get; set; } = 50_000;

    /// <summary>Gets or sets the number of branches per company.</summary>
    /// <value>The default value is 5.</value>
    [Range(1, 1_000)]
    public int BranchesPerCompany { get; set; } = 5;

    /// <summary>Gets or sets the number of staff members per branch.</summary>
    /// <value>The default value is 4.</value>
    [Range(1, 1_000)]
    public int StaffPerBranch { get; set; } = 4;

    /// <summary>Gets or sets the number of customers per company.</summary>
    /// <value>The default value is 2,000.</value>
    [Range(1, 1_000_000)]
    public int CustomersPerCompany { get; set; } = 2_000;

    /// <summary>Gets or sets how many days back from now the calls reach.</summary>
    /// <value>The default value is 60.</value>
    [Range(1, 3_650)]
    public int Days { get; set; } = 60;

    /// <summary>Gets or sets the number of calls per company in progress now (started in the last few minutes).</summary>
    /// <value>The default value is 6.</value>
    [Range(0, 1_000)]
    public int OngoingCallsPerCompany { get; set; } = 6;

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OngoingCallsPerCompany > CallsPerCompany)
        {
            yield return new ValidationResult(
                $"{nameof(OngoingCallsPerCompany)} ({OngoingCallsPerCompany}) cannot exceed {nameof(CallsPerCompany)} ({CallsPerCompany}).",
                [nameof(OngoingCallsPerCompany)]);
        }
    }
}

/// <summary>Validates <see cref="DemoDataOptions"/>: its attributes and its cross-field rule, by the options source generator.</summary>
[OptionsValidator]
internal sealed partial class DemoDataOptionsValidator : IValidateOptions<DemoDataOptions>;
