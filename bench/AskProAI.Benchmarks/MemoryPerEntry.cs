using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using ZiggyCreatures.Caching.Fusion;

namespace AskProAI.Benchmarks;

/// <summary>
/// Bytes kept per entry with N companies x 1 widget: the managed heap after a full collection, filled minus empty,
/// divided by N, for every cache in the same process one after the other. Each company's value is its own object
/// (a 24-byte <see cref="WidgetValue"/>); the peers get the key string and three tags (one of them per company), as
/// they would in the service. Not a BenchmarkDotNet job: BenchmarkDotNet measures allocation, not what stays.
/// </summary>
public static class MemoryPerEntry
{
    private const string Hour = "2025-08-06-18";

    public static async Task RunAsync(int companies)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{companies:N0} companies x 1 widget, bytes kept per entry (managed heap after a full GC, filled minus empty)"));
        Console.WriteLine();
        Console.WriteLine("| cache | bytes per entry | ratio to HybridCache, 3 tags |");
        Console.WriteLine("|---|---:|---:|");
        var results = new List<(string Name, double Bytes)>
        {
            ("ConcurrentDictionary<string, WidgetValue> (floor)", await MeasureAsync(companies, static () => new ConcurrentDictionary<string, WidgetValue>(), static (d, c) =>
            {
                d[Key(c)] = new WidgetValue(c);
                return ValueTask.CompletedTask;
            }, static d => d.Clear())),
            ("IMemoryCache (key, absolute expiry)", await MeasureAsync(companies, Peers.Memory, static (m, c) =>
            {
                m.Set(Key(c), new WidgetValue(c), TimeSpan.FromMinutes(15));
                return ValueTask.CompletedTask;
            }, static m => m.Dispose())),
            ("HybridCache, 3 tags", await MeasureAsync(companies, Peers.Hybrid, static async (h, c) =>
                await h.Cache.GetOrCreateAsync(Key(c), c, static (c, _) => ValueTask.FromResult(new WidgetValue(c)), HybridOptions, Tags(c)), static h => h.Provider.Dispose())),
            ("FusionCache, 3 tags", await MeasureAsync(companies, Peers.Fusion, static async (f, c) =>
                await f.GetOrSetAsync<WidgetValue>(Key(c), (_, _) => Task.FromResult(new WidgetValue(c)), FusionOptions, Tags(c)), static f => f.Dispose())),
            ("AskPro (widget, company, hour; 3 tags as stamps)", await MeasureAsync(companies, static () => Peers.AskPro(o => o.MaxEntries = 10_000_000), static async (a, c) =>
                await a.Widget.GetOrComputeAsync(c, c, static (c, _, _) => new ValueTask<WidgetValue>(new WidgetValue(c))), static a => a.Provider.Dispose())),
        };

        var hybrid = results.Single(r => r.Name.StartsWith("HybridCache", StringComparison.Ordinal)).Bytes;
        foreach (var (name, bytes) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {bytes:N0} | {bytes / hybrid:0.00}x |"));
        }
    }

    private static readonly HybridCacheEntryOptions HybridOptions = new() { Expiration = TimeSpan.FromMinutes(15), LocalCacheExpiration = TimeSpan.FromMinutes(15) };

    private static readonly FusionCacheEntryOptions FusionOptions = new() { Duration = TimeSpan.FromMinutes(15) };

    private static string Key(int company) => string.Create(CultureInfo.InvariantCulture, $"widget:dashboard_stats:{company}:{Hour}");

    private static string[] Tags(int company) => ["widgets", string.Create(CultureInfo.InvariantCulture, $"company_data:{company}"), "heavy_data"];

    private static async Task<double> MeasureAsync<TCache>(int companies, Func<TCache> create, Func<TCache, int, ValueTask> add, Action<TCache> dispose)
    {
        var cache = create();
        // One entry first, so that what every cache makes once (types, pools, timers) is in the baseline, not per entry.
        await add(cache, companies + 1);
        var before = Collect();
        for (var c = 1; c <= companies; c++)
        {
            await add(cache, c);
        }

        var after = Collect();
        GC.KeepAlive(cache);
        dispose(cache);
        return (double)(after - before) / companies;
    }

    private static long Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
