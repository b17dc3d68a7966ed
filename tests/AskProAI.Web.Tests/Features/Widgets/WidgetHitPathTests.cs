using System.Text.Json;
using AskProAI.Web.Features.Widgets;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>
/// The service's hit path: each widget is read through its cache handle, a hit allocates nothing, and the response is
/// written from the JSON bytes the cache keeps with the value (serialized once, when it was computed).
/// </summary>
public sealed class WidgetHitPathTests(WidgetHitPathTests.Fixture app) : IClassFixture<WidgetHitPathTests.Fixture>
{
    [Fact]
    public async Task WidgetHit_AllocatesNothing()
    {
        var widgets = app.Services.GetRequiredService<WidgetRegistry>();
        foreach (var widget in widgets.All)
        {
            Assert.Equal(Caching.CacheOutcome.Miss, (await widget.GetAsync(1, CancellationToken.None)).Outcome);
            // Warm past tiered compilation's call counting, which allocates on the calling thread once.
            var hits = 0;
            for (var i = 0; i < 1_000; i++)
            {
                hits += Hit(widget);
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                hits += Hit(widget);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(1_100, hits);
            Assert.True(allocated == 0, $"{widget.Name}: {allocated} bytes allocated by 100 hits.");
        }

        // No assertion inside: comparing through xUnit's Assert allocates.
        static int Hit(RegisteredWidget widget)
        {
            var pending = widget.GetAsync(1, CancellationToken.None);
            return pending.IsCompletedSuccessfully && pending.Result.Outcome == Caching.CacheOutcome.Hit ? 1 : 0;
        }
    }

    [Theory]
    [InlineData("dashboard_stats")]
    [InlineData("live_calls")]
    [InlineData("recent_calls")]
    [InlineData("stats_overview")]
    public async Task GetWidget_Hit_WritesTheBytesTheCacheKeeps_InTheServicesJson(string name)
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);
        using var miss = await client.GetAsync($"/api/companies/2/widgets/{name}");
        using var hit = await client.GetAsync($"/api/companies/2/widgets/{name}");
        Assert.Equal("HIT", Assert.Single(hit.Headers.GetValues("X-Cache")));

        Assert.True(app.Services.GetRequiredService<WidgetRegistry>().TryGet(name, out var widget));
        var cached = await widget.GetAsync(2, CancellationToken.None);
        Assert.NotNull(cached.Utf8Json);
        var body = await hit.Content.ReadAsByteArrayAsync();
        Assert.Equal(cached.Utf8Json, body);
        Assert.Equal(await miss.Content.ReadAsByteArrayAsync(), body);

        // The same JSON the service wrote before it took the cache's bytes: web defaults, camelCase.
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(cached.Value, cached.Value.GetType(), JsonSerializerOptions.Web), body);
    }

    public sealed class Fixture : WebAppFixture;
}
