using AskProAI.Web.Features.CacheAdmin;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The generated validator of <see cref="CacheWarmOptions"/> runs both the attributes and the cross-field rules.</summary>
public sealed class CacheWarmOptionsValidatorTests
{
    // By the member that must be named (the options type is internal, so the theory carries only the name).
    private static readonly Dictionary<string, Action<CacheWarmOptions>> Spoilers = new()
    {
        ["MaxConcurrency"] = o => o.MaxConcurrency = 0,
        ["JobsKept"] = o => o.JobsKept = 1001,
        ["ActiveWindow"] = o => o.ActiveWindow = TimeSpan.FromSeconds(1),
        ["Cron"] = o => o.Cron = "every day",
        ["TimeZone"] = o => o.TimeZone = "Mars/Olympus",
        ["PreHourStartMinute"] = o => (o.PreHourStartMinute, o.PreHourEndMinute) = (58, 57),
    };

    public static TheoryData<string> Invalid => [.. Spoilers.Keys];

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        var result = new CacheWarmOptionsValidator().Validate(null, new CacheWarmOptions());

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadValue_FailsNamingIt(string member)
    {
        var options = new CacheWarmOptions();
        Spoilers[member](options);

        var result = new CacheWarmOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(member, result.FailureMessage, StringComparison.Ordinal);
    }
}
