using AskProAI.Benchmarks;
using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "stampede-count")
{
    await StampedeCount.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
    return;
}

if (args.Length > 0 && args[0] == "memory-per-entry")
{
    await MemoryPerEntry.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(HitBenchmarks).Assembly).Run(args);
