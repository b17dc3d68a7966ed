using System.Collections.Concurrent;
using AskProAI.Caching;
using AskProAI.Web.Features.Widgets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace AskProAI.Benchmarks;

/// <summary>
/// One L1 hit of a widget lookup. Ours includes deriving the key (time bucket from the clock, company,
/// widget) and checking the entry's three tags (six stamps); the peers get a precomputed key string, their
/// best case, and three tags where they support them.
/// </summary>
[MemoryDiagnoser]
public class HitBenchmarks
{
    private const int CompanyId = 123;
    private static readonly string[] Tags = ["widgets", "company_data:123", "heavy_data"];
    private static readonly string Key = "widget:dashboard_stats:123:2025-08-06-18";
    private static readonly WidgetValue Value = new(42);

    private readonly ConcurrentDictionary<string, WidgetValue> _dictionary = new();
    private ServiceProvider _askProProvider = null!;
    private IWidgetCache _askPro = null!;
    private WidgetHandle _widget = null!;
    private RegisteredWidget _service = null!;
    private WidgetResult _serviceResult;
    private MemoryCache _memory = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybrid = null!;
    private FusionCache _fusion = null!;
    private HybridCacheEntryOptions _hybridOptions = null!;
    private FusionCacheEntryOptions _fusionOptions = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dictionary[Key] = Value;
        (_askProProvider, _askPro, _widget) = Peers.AskPro();
        _askPro.GetOrComputeAsync(_widget, CompanyId, 0, static (_, _, _) => new ValueTask<WidgetValue>(Value)).AsTask().GetAwaiter().GetResult();
        _service = new RegisteredWidget(new ServiceWidget(TimeProvider.System), _widget);
        _memory = Peers.Memory();
        _memory.Set(Key, Value, TimeSpan.FromMinutes(15));
        (_hybridProvider, _hybrid) = Peers.Hybrid();
        _hybridOptions = new HybridCacheEntryOptions { Expiration = TimeSpan.FromMinutes(15), LocalCacheExpiration = TimeSpan.FromMinutes(15) };
        _hybrid.GetOrCreateAsync(Key, static _ => ValueTask.FromResult(Value), _hybridOptions, Tags).AsTask().GetAwaiter().GetResult();
        _fusion = Peers.Fusion();
        _fusionOptions = new FusionCacheEntryOptions { Duration = TimeSpan.FromMinutes(15) };
        _fusion.GetOrSetAsync<WidgetValue>(Key, static (_, _) => Task.FromResult(Value), _fusionOptions, Tags).AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _askProProvider.Dispose();
        _hybridProvider.Dispose();
        _memory.Dispose();
        _fusion.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ConcurrentDictionary.TryGetValue (floor)")]
    public WidgetValue? Dictionary() => _dictionary.TryGetValue(Key, out var v) ? v : null;

    [Benchmark(Description = "IMemoryCache.TryGetValue")]
    public WidgetValue? MemoryCache() => _memory.TryGetValue(Key, out WidgetValue? v) ? v : null;

    /// <summary>The service's own code (<c>RegisteredWidget.GetAsync</c>, as the endpoints call it); the whole result is kept, as they keep it.</summary>
    [Benchmark(Description = "AskPro widget hit, the service's path (RegisteredWidget.GetAsync of AskProAI.Web)")]
    public void AskProServicePath() => _serviceResult = _service.GetAsync(CompanyId, CancellationToken.None).Result;

    [Benchmark(Description = "AskPro widget hit, by handle (key derived, 3 tags)")]
    public WidgetValue AskProByHandle() =>
        _widget.GetOrComputeAsync(CompanyId, 0, static (_, _, _) => new ValueTask<WidgetValue>(Value)).Result.Value;

    [Benchmark(Description = "AskPro widget hit, through IWidgetCache (generic interface call)")]
    public WidgetValue AskProByInterface() =>
        _askPro.GetOrComputeAsync(_widget, CompanyId, 0, static (_, _, _) => new ValueTask<WidgetValue>(Value)).Result.Value;

    [Benchmark(Description = "AskPro widget hit, by name (key derived, 3 tags)")]
    public WidgetValue AskProByName() =>
        _askPro.GetOrComputeAsync(Peers.WidgetName, CompanyId, 0, static (_, _, _) => new ValueTask<WidgetValue>(Value)).Result.Value;

    [Benchmark(Description = "HybridCache, immutable type, 3 tags")]
    public WidgetValue Hybrid() =>
        _hybrid.GetOrCreateAsync(Key, static _ => ValueTask.FromResult(Value), _hybridOptions, Tags).Result;

    [Benchmark(Description = "FusionCache, 3 tags")]
    public WidgetValue Fusion() =>
        _fusion.GetOrSetAsync<WidgetValue>(Key, static (_, _) => Task.FromResult(Value), _fusionOptions, Tags).Result;
}
