using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace AskProAI.Benchmarks;

/// <summary>What reading the time costs, by source: the hit path reads it once.</summary>
public class ClockProbe
{
    private long _counter;

    [Benchmark(Baseline = true)]
    public long TimeProviderSystemUtcNow() => TimeProvider.System.GetUtcNow().UtcTicks;

    [Benchmark]
    public long DateTimeUtcNow() => DateTime.UtcNow.Ticks;

    [Benchmark]
    public long StopwatchTimestamp() => Stopwatch.GetTimestamp();

    [Benchmark]
    public long TickCount64() => Environment.TickCount64;

    [Benchmark]
    public long InterlockedIncrement() => Interlocked.Increment(ref _counter);
}
