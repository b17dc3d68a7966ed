using Microsoft.Extensions.Caching.Memory;
using System.Globalization;

namespace AskProAI.Benchmarks;

/// <summary>Counts how many times each cache runs a 50 ms computation for N concurrent callers on one cold key.</summary>
public static class StampedeCount
{
    public static async Task RunAsync(int callers)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| cache | callers | computations |"));
        Console.WriteLine("|---|---:|---:|");
        var (provider, askPro, widget) = Peers.AskPro();
        await using (provider)
        {
            var n = 0;
            await Run("AskPro", callers, () => askPro.GetOrComputeAsync(widget, 1, 0, async (_, _, _) =>
            {
                Interlocked.Increment(ref n);
                await Task.Delay(50);
                return new WidgetValue(1);
            }).AsTask(), () => n);
        }

        var (offProvider, off, offWidget) = Peers.AskPro(o => o.Mode = AskProAI.Caching.CacheMode.Disabled);
        await using (offProvider)
        {
            var n = 0;
            await Run("AskPro, cache off (Disabled)", callers, () => off.GetOrComputeAsync(offWidget, 1, 0, async (_, _, _) =>
            {
                Interlocked.Increment(ref n);
                await Task.Delay(50);
                return new WidgetValue(1);
            }).AsTask(), () => n);
        }

        var (hybridProvider, hybrid) = Peers.Hybrid();
        await using (hybridProvider)
        {
            var n = 0;
            await Run("HybridCache", callers, () => hybrid.GetOrCreateAsync("k", async _ =>
            {
                Interlocked.Increment(ref n);
                await Task.Delay(50);
                return new WidgetValue(1);
            }).AsTask(), () => n);
        }

        using (var fusion = Peers.Fusion())
        {
            var n = 0;
            await Run("FusionCache", callers, () => fusion.GetOrSetAsync<WidgetValue>("k", async (_, _) =>
            {
                Interlocked.Increment(ref n);
                await Task.Delay(50);
                return new WidgetValue(1);
            }).AsTask(), () => n);
        }

        using (var memory = Peers.Memory())
        {
            var n = 0;
            await Run("IMemoryCache", callers, () => memory.GetOrCreateAsync("k", async _ =>
            {
                Interlocked.Increment(ref n);
                await Task.Delay(50);
                return new WidgetValue(1);
            })!, () => n);
        }
    }

    private static async Task Run<T>(string name, int callers, Func<Task<T>> call, Func<int> computations)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await call();
        })).ToArray();
        start.Set();
        await Task.WhenAll(tasks);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {callers} | {computations()} |"));
    }
}
