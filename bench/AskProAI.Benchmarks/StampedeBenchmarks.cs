using AskProAI.Caching;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using ZiggyCreatures.Caching.Fusion;

namespace AskProAI.Benchmarks;

/// <summary>
/// 1000 concurrent callers on one cold key, the computation yielding once. Time and allocation of the whole
/// stampede; how many times each cache ran the computation is printed by <c>stampede-count</c>.
/// </summary>
[MemoryDiagnoser]
public class StampedeBenchmarks
{
    private const int Callers = 1000;
    private readonly Task[] _tasks = new Task[Callers];
    private ServiceProvider _askProProvider = null!;
    private IWidgetCache _askPro = null!;
    private WidgetHandle _widget = null!;
    private ServiceProvider _hybridProvider = null!;
    private HybridCache _hybrid = null!;
    private FusionCache _fusion = null!;
    private MemoryCache _memory = null!;
    private int _company;

    [GlobalSetup]
    public void Setup()
    {
        (_askProProvider, _askPro, _widget) = Peers.AskPro(o => o.MaxEntries = 10_000_000);
        (_hybridProvider, _hybrid) = Peers.Hybrid();
        _fusion = Peers.Fusion();
        _memory = Peers.Memory();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _askProProvider.Dispose();
        _hybridProvider.Dispose();
        _fusion.Dispose();
        _memory.Dispose();
    }

    private static async ValueTask<WidgetValue> Compute()
    {
        await Task.Yield();
        return new WidgetValue(1);
    }

    [Benchmark(Baseline = true, Description = "AskPro, 1000 callers, cold key")]
    public Task AskPro()
    {
        var company = Interlocked.Increment(ref _company);
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = _askPro.GetOrComputeAsync(_widget, company, 0, static (_, _, _) => Compute()).AsTask();
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark(Description = "HybridCache, 1000 callers, cold key")]
    public Task Hybrid()
    {
        var key = "k" + Interlocked.Increment(ref _company);
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = _hybrid.GetOrCreateAsync(key, static _ => Compute()).AsTask();
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark(Description = "FusionCache, 1000 callers, cold key")]
    public Task Fusion()
    {
        var key = "k" + Interlocked.Increment(ref _company);
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = _fusion.GetOrSetAsync<WidgetValue>(key, static async (_, _) => await Compute()).AsTask();
        }

        return Task.WhenAll(_tasks);
    }

    [Benchmark(Description = "IMemoryCache.GetOrCreateAsync, 1000 callers, cold key")]
    public Task Memory()
    {
        var key = "k" + Interlocked.Increment(ref _company);
        for (var i = 0; i < Callers; i++)
        {
            _tasks[i] = _memory.GetOrCreateAsync(key, static async _ => await Compute());
        }

        return Task.WhenAll(_tasks);
    }
}
