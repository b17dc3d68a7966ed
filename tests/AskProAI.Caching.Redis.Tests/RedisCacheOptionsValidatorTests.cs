using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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
        { "BackplaneLease", o => o.BackplaneLease = TimeSpan.FromMinutes(2) },
        { "BackplaneLease", o => o.BackplaneLease = TimeSpan.FromSeconds(-1) },
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

    [Theory]
    [InlineData(1000, 1999, false)]
    [InlineData(1000, 2000, true)]
    [InlineData(1000, 0, true)]
    [InlineData(250, 600, true)]
    public void UseRedis_LeaseShorterThanTwoHeartbeats_IsRefusedAtStart(int heartbeatMs, int leaseMs, bool valid)
    {
        var services = new ServiceCollection();
        services.AddAskProCaching().UseRedis(o =>
        {
            o.Configuration = "127.0.0.1:6379";
            o.BackplaneHeartbeatInterval = TimeSpan.FromMilliseconds(heartbeatMs);
            o.BackplaneLease = TimeSpan.FromMilliseconds(leaseMs);
        });
        using var provider = services.BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<RedisCacheOptions>>().Value;

        if (valid)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(leaseMs), read().BackplaneLease);
        }
        else
        {
            Assert.Contains("BackplaneLease", Assert.Throws<OptionsValidationException>(read).Message, StringComparison.Ordinal);
        }
    }
}
