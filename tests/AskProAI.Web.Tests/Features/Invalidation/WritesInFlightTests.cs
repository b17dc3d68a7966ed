using AskProAI.Web.Features.Invalidation;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// The order rule of applied updates (ADR 0022): an update or delete is applied only when no write of its company with
/// an earlier ticket is still in flight; other companies' writes and later tickets do not hold it, and a registration
/// left behind stops holding after <see cref="WritesInFlight.Abandoned"/>.
/// </summary>
public sealed class WritesInFlightTests
{
    [Fact]
    public void EarlierInFlight_OnlyAnEarlierTicketOfTheSameCompany_UntilItEnds()
    {
        var writes = new WritesInFlight(new FakeTimeProvider());
        writes.Begin([1, 2], ticket: 10);
        writes.Begin([1], ticket: 12);

        Assert.True(writes.EarlierInFlight(1, 12));
        Assert.True(writes.EarlierInFlight(2, 11));
        Assert.False(writes.EarlierInFlight(1, 10));
        Assert.False(writes.EarlierInFlight(3, 12));

        writes.End([1, 2], ticket: 10);
        Assert.False(writes.EarlierInFlight(1, 12));
        Assert.False(writes.EarlierInFlight(2, 11));
        Assert.True(writes.EarlierInFlight(1, 13));
    }

    [Fact]
    public void EarlierInFlight_RegistrationLeftBehind_IgnoredAfterTheAbandonTime()
    {
        var time = new FakeTimeProvider();
        var writes = new WritesInFlight(time);
        writes.Begin([1], ticket: 10);

        time.Advance(WritesInFlight.Abandoned - TimeSpan.FromSeconds(1));
        Assert.True(writes.EarlierInFlight(1, 11));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(writes.EarlierInFlight(1, 11));
    }
}
