using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Caching.Redis.Tests.Internal;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Failures_BelowThreshold_KeepItClosed_ASuccessResetsTheCount()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), _time);
        breaker.OnFailure();
        breaker.OnFailure();
        breaker.OnSuccess();
        breaker.OnFailure();
        breaker.OnFailure();
        Assert.Equal(RedisCircuitState.Closed, breaker.State);
        Assert.True(breaker.TryEnter(out _));
    }

    [Fact]
    public void ThresholdFailures_OpenIt_ThenOneProbeAfterTheOpenPeriod()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(5), _time);
        Assert.Equal(0, breaker.OnFailure());
        Assert.Equal(0, breaker.OnFailure());
        Assert.Equal(3, breaker.OnFailure());
        Assert.Equal(RedisCircuitState.Open, breaker.State);
        Assert.False(breaker.TryEnter(out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out var probe));
        Assert.True(probe);
        Assert.False(breaker.TryEnter(out _)); // only one probe at a time
        Assert.True(breaker.OnSuccess());
        Assert.Equal(RedisCircuitState.Closed, breaker.State);
    }

    [Fact]
    public void FailedProbe_ReopensForAnotherPeriod()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), _time);
        breaker.OnFailure();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out _));
        Assert.True(breaker.OnFailure() > 0);
        Assert.False(breaker.TryEnter(out _));
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(breaker.TryEnter(out _));
    }

    [Fact]
    public void AbandonedProbe_LetsAnotherProbeThrough()
    {
        var breaker = new CircuitBreaker(1, TimeSpan.FromSeconds(5), _time);
        breaker.OnFailure();
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(breaker.TryEnter(out var probe));
        breaker.OnAbandoned(probe);
        Assert.True(breaker.TryEnter(out _));
    }

    [Fact]
    public void Trip_OpensAtOnce_AllowProbe_LetsOneThroughBeforeThePeriodEnds()
    {
        var breaker = new CircuitBreaker(5, TimeSpan.FromSeconds(30), _time);
        Assert.True(breaker.Trip() > 0);
        Assert.False(breaker.TryEnter(out _));
        breaker.AllowProbe();
        Assert.Equal(RedisCircuitState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter(out _));
    }
}
