using AskProAI.Caching;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Benchmarks;

/// <summary>
/// Invalidating one tag with N entries cached: the time must not grow with N (tag stamps, O(1)).
/// HybridCache (also timestamp tags) beside ours.
/// </summary>
[MemoryDiagnoser]
public class InvalidationBenchmarks
{
    private ServiceProvider _askProProvider = null!;
    private IWidgetCache _askPro = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybrid = null!;

    [Params(1_000, 1_000_000)]
    public int Entries { get; set; }

    [GlobalSetup(Targets = [nameof(AskProCompany), nameof(AskProDataType)])]
    public void SetupAskPro()
    {
        (_askProProvider, _askPro, var widget) = Peers.AskPro(o => o.MaxEntries = 2_000_000);
        var value = new WidgetValue(1);
        for (var company = 1; company <= Entries; company++)
        {
            _askPro.GetOrComputeAsync(widget, company, value, static (v, _, _) => new ValueTask<WidgetValue>(v)).AsTask().GetAwaiter().GetResult();
        }

        if (_askPro.GetStatistics().Entries != Entries)
        {
            throw new InvalidOperationException("setup did not cache every entry");
        }
    }

    [GlobalSetup(Targets = [nameof(HybridTag)])]
    public void SetupHybrid()
    {
        (_hybridProvider, _hybrid) = Peers.Hybrid();
        var value = new WidgetValue(1);
        for (var company = 1; company <= Entries; company++)
        {
            string[] tags = ["widgets", $"company_data:{company}", "heavy_data"];
            _hybrid.SetAsync($"widget:dashboard_stats:{company}:2025-08-06-18", value, tags: tags).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _askProProvider?.Dispose();
        _hybridProvider?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "AskPro: invalidate company_data:{id}")]
    public ValueTask<InvalidationResult> AskProCompany() => _askPro.InvalidateAsync(CacheTag.Company(42));

    [Benchmark(Description = "AskPro: invalidate heavy_data (every company)")]
    public ValueTask<InvalidationResult> AskProDataType() => _askPro.InvalidateAsync(CacheTag.DataType(WidgetTier.Heavy));

    [Benchmark(Description = "HybridCache: RemoveByTagAsync(company_data:{id})")]
    public ValueTask HybridTag() => _hybrid.RemoveByTagAsync("company_data:42");
}
