using System.Net;
using System.Text.Json;
using AskProAI.Caching;
using AskProAI.Web.Tests.Features.Invalidation;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// A widget whose computation passes its hard timeout: the request ends with 503, <c>Retry-After</c> and a message naming
/// the widget, never hangs, and the computation goes on and is cached. The computation is held by a gate, the hard timeout
/// passes on the service's fake clock.
/// </summary>
public sealed class WidgetTimeoutTests(WidgetTimeoutTests.Fixture app) : IClassFixture<WidgetTimeoutTests.Fixture>
{
    [Fact]
    public async Task Widget_PastItsHardTimeout_Is503WithRetryAfter_AndTheComputationIsCachedWhenItEnds()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var cache = app.Services.GetRequiredService<IWidgetCache>();
        await cache.InvalidateAsync(CacheTag.CompanyWidget("live_calls", 1)); // nothing the soft timeout could serve
        Assert.True(cache.TryGetWidget("live_calls", out var widget));
        Assert.Equal(TimeSpan.FromSeconds(5), widget.HardTimeout); // Cache:Widgets:live_calls:HardTimeout
        var computationsBefore = Stats(cache).Computations;

        app.Gate.Arm();
        var pending = client.GetAsync("/api/companies/1/widgets/live_calls");
        await app.Gate.Held.WaitAsync(TimeSpan.FromSeconds(20));
        app.Time.Advance(TimeSpan.FromSeconds(5));

        using var response = await pending.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("Widget not ready", problem.RootElement.GetProperty("title").GetString());
        Assert.Equal(
            "The widget 'live_calls' took longer than 5 s to compute. It is still being computed; retry after the time in Retry-After.",
            problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("live_calls", problem.RootElement.GetProperty("widget").GetString());

        app.Gate.Release();
        Assert.True(await Eventually.TrueAsync(async () => await WidgetReads.CacheOfAsync(client, 1, "live_calls") == "HIT", TimeSpan.FromSeconds(20)));
        var stats = Stats(cache);
        Assert.Equal(computationsBefore + 1, stats.Computations); // the timed-out computation was stored, not run again
        Assert.Equal(1, stats.HardTimeouts);
    }

    private static WidgetStatistics Stats(IWidgetCache cache) => cache.GetStatistics().Widgets.Single(w => w.Widget == "live_calls");

    /// <summary>The service with the live widget's computation behind a gate and a 5 s hard timeout for it.</summary>
    public sealed class Fixture() : SlowComputationRaceTests.GatedFixture(TestDatabaseProvider.Sqlite)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Cache:Widgets:live_calls:HardTimeout", "00:00:05");
        }
    }
}
