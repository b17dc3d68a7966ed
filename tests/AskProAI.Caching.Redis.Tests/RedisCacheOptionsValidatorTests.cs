namespace AskProAI.Caching.Redis.Tests;

/// <summary>The generated validator of <see cref="RedisCacheOptions"/> refuses each bad value and names it.</summary>
public sealed class RedisCacheOptionsValidatorTests
{
    public static TheoryData<string, Action<RedisCacheOptions>> Invalid => new()
    {
        { "Configuration", o => o.Configuration = " " },
        { "Prefix", o => o.Prefix = "askpro:{1}:" },
        { "Prefix", o => o.Prefix = new string('p', 65) },
        { "CompressionThresholdBytes", o => o.CompressionThresholdBytes = -1 },
        { "OperationTimeout", o => o.OperationTimeout = TimeSpan.Zero },
        { "OperationTimeout", o => o.OperationTimeout = TimeSpan.FromMinutes(2) },
        { "ConnectTimeout", o => o.ConnectTimeout = TimeSpan.Zero },
        { "BreakerFailureThreshold", o => o.BreakerFailureThreshold = 0 },
        { "LockReleaseGrace", o => o.LockReleaseGrace = TimeSpan.FromSeconds(11) },
        { "ExpiryMargin", o => o.ExpiryMargin = TimeSpan.FromSeconds(-1) },
        { "TagStampRetention", o => o.TagStampRetention = TimeSpan.Zero },
    };

    [Fact]
    public void Validate_DefaultsWithConfiguration_Succeeds()
    {
        var result = new RedisCacheOptionsValidator().Validate(null, new RedisCacheOptions { Configuration = "127.0.0.1:6379" });

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_BadValue_FailsNamingIt(string member, Action<RedisCacheOptions> spoil)
    {
        var options = new RedisCacheOptions { Configuration = "127.0.0.1:6379" };
        spoil(options);

        var result = new RedisCacheOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(member, result.FailureMessage, StringComparison.Ordinal);
    }
}
