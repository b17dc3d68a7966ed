using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Caching.Tests;

public class AskProCachingServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddAskProCaching_WithoutLogging_ResolvesAndCaches()
    {
        var services = new ServiceCollection();
        services.AddAskProCaching().AddWidget("dashboard_stats", WidgetTier.Heavy);
        await using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<IWidgetCache>();
        Assert.True(cache.TryGetWidget("dashboard_stats", out var widget));
        var first = await widget.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(42));
        var second = await widget.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<int>(43));

        Assert.Equal((CacheOutcome.Miss, 42), (first.Outcome, first.Value));
        Assert.Equal((CacheOutcome.Hit, 42), (second.Outcome, second.Value));
    }
}
