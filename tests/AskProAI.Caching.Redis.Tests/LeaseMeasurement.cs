using System.Diagnostics;
using Xunit.Abstractions;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// What leases cost and buy a writer (ADR 0024), printed: healthy writes, writes while the other instance's message
/// handling is held (does it still serve its old copy once the write returned?), and writes right after the other
/// instance crashed. Run: <c>dotnet test tests/AskProAI.Caching.Redis.Tests -c Release --filter LeaseMeasurement
/// --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class LeaseMeasurement(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(3000)]
    [InlineData(0)]
    public async Task LeaseMeasurement_PrintsWriteWaits(int leaseMs)
    {
        Internal.RedisCacheBackplaneTests.EnoughPoolThreads();
        await using var pair = await RedisEngine.PairAsync(o => o.BackplaneLease = TimeSpan.FromMilliseconds(leaseMs));
        var (a, b) = (pair.A, pair.B);
        var applied = 0;
        b.Cache.RemoteInvalidationsApplied += _ => Interlocked.Increment(ref applied);
        var counter = new Counter();
        await a.GetAsync(1, counter);

        var healthy = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var watch = Stopwatch.StartNew();
            await a.Cache.InvalidateAsync([CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.Company(1)]);
            healthy.Add(watch.Elapsed.TotalMilliseconds);
        }

        healthy.Sort();
        output.WriteLine($"lease {leaseMs} ms: 200 healthy writes p50 {healthy[100]:F2} ms, p90 {healthy[180]:F2} ms, p99 {healthy[198]:F2} ms, max {healthy[^1]:F2} ms");
        Assert.True(await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref applied) == 200, Bound));

        var stale = 0;
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await RedisTestEnvironment.EventuallyAsync(
                async () =>
                {
                    await b.GetAsync(1, counter);
                    return b.Cache.IsCached(b.Heavy, 1);
                },
                Bound));
            TimeSpan waited;
            using (var stall = new BackplaneStall(b))
            {
                var watch = Stopwatch.StartNew();
                await a.Cache.InvalidateAsync([CacheTag.CompanyWidget("dashboard_stats", 1), CacheTag.Company(1)]);
                waited = watch.Elapsed;
                await stall.Entered.WaitAsync(Bound);
                stale += b.Cache.IsCached(b.Heavy, 1) ? 1 : 0;
            }

            // Not before B has applied it: the next round starts from B holding a copy made after it.
            Assert.True(await RedisTestEnvironment.EventuallyAsync(() => Volatile.Read(ref applied) == 201 + i, Bound));
            output.WriteLine($"lease {leaseMs} ms: B held, the write waited {waited.TotalMilliseconds:F0} ms");
        }

        output.WriteLine($"lease {leaseMs} ms: B held, it would have served its old copy after {stale} of 3 writes");
        if (leaseMs > 0)
        {
            Assert.Equal(0, stale);
        }

        // B's connection closes under it: no goodbye, no more heartbeats (its peer timeout is 10 s).
        await b.Connection.DisposeAsync();
        var crash = Stopwatch.StartNew();
        var (slow, fast) = (new List<string>(), 0);
        while (crash.Elapsed < TimeSpan.FromSeconds(4))
        {
            var at = crash.Elapsed;
            var watch = Stopwatch.StartNew();
            await a.Cache.InvalidateAsync(CacheTag.Company(2));
            if (watch.Elapsed > TimeSpan.FromMilliseconds(50))
            {
                slow.Add($"at +{at.TotalMilliseconds:F0} ms waited {watch.Elapsed.TotalMilliseconds:F0} ms");
            }
            else
            {
                fast++;
            }
        }

        output.WriteLine($"lease {leaseMs} ms: B crashed, writes over 50 ms in the next 4 s: {string.Join("; ", slow)}; {fast} under 50 ms");
    }
}
