using System.Globalization;

namespace AskProAI.Web.Infrastructure.Clock;

/// <summary>
/// A shifted clock for load tests that must cross an hour boundary on demand: with <c>Clock:StartAt</c>
/// (an ISO 8601 instant) the service's <see cref="TimeProvider"/> starts at that instant and runs at normal
/// speed. Unset (the default), the system clock is used.
/// </summary>
internal static class ClockHostingExtensions
{
    public static WebApplicationBuilder AddClock(this WebApplicationBuilder builder)
    {
        var startAt = builder.Configuration["Clock:StartAt"];
        if (string.IsNullOrWhiteSpace(startAt))
        {
            return builder;
        }

        if (!DateTimeOffset.TryParse(startAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw new InvalidOperationException($"Clock:StartAt '{startAt}' is not an ISO 8601 instant, e.g. 2026-11-27T09:59:30Z.");
        }

        builder.Services.AddSingleton<TimeProvider>(new ShiftedTimeProvider(at - TimeProvider.System.GetUtcNow()));
        return builder;
    }

    private sealed class ShiftedTimeProvider(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + offset;

        public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;
    }
}
