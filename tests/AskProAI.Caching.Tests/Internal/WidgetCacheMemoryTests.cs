using System.Text.Json;
using AskProAI.Caching.Internal;

namespace AskProAI.Caching.Tests.Internal;

/// <summary>Memory per tenant: what the engine keeps follows the entries it holds, and the limits cover all of it.</summary>
[Collection(MemoryCollection.Name)]
public class WidgetCacheMemoryTests
{
    [Fact]
    public async Task CyclingAMillionCompanies_KeepsEntriesCompaniesAndMemoryFlat()
    {
        const int maxEntries = 1_000;
        const int companies = 1_000_000;
        const int checkpoint = 100_000;
        await using var f = new CacheFixture(o => o.MaxEntries = maxEntries);
        var counter = new Counter();
        long baseline = 0;
        for (var company = 1; company <= companies; company++)
        {
            await f.GetAsync(f.Recent, company, counter);
            if (company % checkpoint != 0)
            {
                continue;
            }

            // A compaction the last reads started may still be evicting on the thread pool (entries go first, their
            // companies' states after): sweep again until no sweep is halfway through, then check.
            var statistics = f.Cache.GetStatistics();
            for (var attempt = 0; attempt < 1_000; attempt++)
            {
                f.Engine.Sweep();
                statistics = f.Cache.GetStatistics();
                if (statistics.Companies <= statistics.Entries)
                {
                    break;
                }

                await Task.Yield();
            }

            Assert.InRange(statistics.Entries, 1, maxEntries);
            Assert.InRange(statistics.Companies, 1, statistics.Entries);
            Assert.InRange(statistics.EstimatedBytes, 1, f.Engine.Options.SizeLimitBytes);
            var retained = GC.GetTotalMemory(forceFullCollection: true);
            if (company == checkpoint)
            {
                baseline = retained;
            }
            else
            {
                // 900,000 more companies seen than at the first checkpoint: a few hundred bytes each would be hundreds of MB.
                Assert.True(retained - baseline < 8L * 1024 * 1024, $"Retained {retained - baseline:N0} bytes more after {company:N0} companies than after {checkpoint:N0}.");
            }
        }

        Assert.Equal(companies, counter.Count);
    }

    [Fact]
    public async Task CompanyWithoutEntries_StateIsDropped_AndItsNextValueIsComputedFresh()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Recent, 3, counter);
        await f.GetAsync(f.Live, 3, counter);
        await f.GetAsync(f.Recent, 4, counter);
        Assert.Equal(2, f.Cache.GetStatistics().Companies);

        await f.Cache.InvalidateAsync(CacheTag.Company(3));
        f.Engine.Sweep();
        Assert.Equal(1, f.Cache.GetStatistics().Companies);

        // Invalidations of a company without state find nothing to move; its next value is computed, never stale.
        await f.Cache.InvalidateAsync(CacheTag.Company(3));
        var again = await f.GetAsync(f.Recent, 3, counter);
        Assert.Equal((CacheOutcome.Miss, 4), (again.Outcome, again.Value));
        Assert.Equal(CacheOutcome.Hit, (await f.GetAsync(f.Recent, 3, counter)).Outcome);
        Assert.Equal(2, f.Cache.GetStatistics().Companies);
    }

    [Fact]
    public async Task ComputationInFlight_HoldsItsCompanysState_SoAnInvalidationDuringItIsNotLost()
    {
        await using var f = new CacheFixture();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var computations = 0;
        var first = f.Cache.GetOrComputeAsync(f.Recent, 5, gate, async (g, _, _) =>
        {
            Interlocked.Increment(ref computations);
            await g.Task;
            return "before the write";
        }).AsTask();

        // The company has no entry yet; the sweep must not drop the state the computation started on.
        f.Engine.Sweep();
        Assert.Equal(1, f.Cache.GetStatistics().Companies);
        await f.Cache.InvalidateAsync(CacheTag.Company(5));
        gate.SetResult();
        Assert.Equal("before the write", (await first).Value);

        var next = await f.Cache.GetOrComputeAsync(f.Recent, 5, 0, static (_, _, _) => new ValueTask<string>("after the write"));
        Assert.Equal((CacheOutcome.Miss, "after the write"), (next.Outcome, next.Value));
    }

    [Fact]
    public async Task ChangeAppliedWhileComputing_AfterTheCompanysStateWasDropped_DropsTheComputedValue()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        await f.GetAsync(f.Recent, 6, counter);
        await f.Cache.InvalidateAsync(CacheTag.Company(6));
        f.Engine.Sweep();
        Assert.Equal(0, f.Cache.GetStatistics().Companies);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ticket = f.Cache.BeginWrite();
        var inFlight = f.Cache.GetOrComputeAsync(f.Recent, 6, gate, static async (g, _, _) =>
        {
            await g.Task;
            return new Box(1);
        }).AsTask();
        await f.Cache.ApplyChangeAsync<int, Box>(f.Recent, 6, ticket, 0, static (b, _) => new Box(b.Value + 1));
        gate.SetResult();
        await inFlight;

        // The value computed across the change (it may or may not contain it) was not kept.
        var next = await f.Cache.GetOrComputeAsync(f.Recent, 6, 0, static (_, _, _) => new ValueTask<Box>(new Box(2)));
        Assert.Equal((CacheOutcome.Miss, 2), (next.Outcome, next.Value.Value));
    }

    [Fact]
    public async Task ThrottledFailSafeValue_WhoseCompanyStateWasDropped_IsNotServedAfterAnInvalidation()
    {
        await using var f = new CacheFixture(o => o.MaxEntries = 16);
        var value = await f.Cache.GetOrComputeAsync(f.Live, 9, 0, static (_, _, _) => new ValueTask<string>("old"));
        f.Time.Advance(f.Live.Ttl + TimeSpan.FromSeconds(1));
        var failed = await f.Cache.GetOrComputeAsync<int, string>(f.Live, 9, 0, static (_, _, _) => throw new InvalidOperationException("db down"));
        Assert.Equal((CacheOutcome.Stale, "old"), (failed.Outcome, failed.Value));

        // Other companies push company 9's entry out, its state goes with it, then company 9 is written to.
        for (var company = 100; company < 140; company++)
        {
            await f.Cache.GetOrComputeAsync(f.Recent, company, 0, static (_, _, _) => new ValueTask<string>("other"));
        }

        f.Engine.Sweep();
        Assert.False(f.Engine.HasEntries(f.Live.Index, 9));
        await f.Cache.InvalidateAsync(CacheTag.Company(9));

        var after = await f.Cache.GetOrComputeAsync(f.Live, 9, 0, static (_, _, _) => new ValueTask<string>("new"));
        Assert.Equal((CacheOutcome.Miss, "new"), (after.Outcome, after.Value));
    }

    [Fact]
    public async Task EstimatedBytes_CountEntriesTheirBytesAndCompanyStates()
    {
        await using var f = new CacheFixture();
        var counter = new Counter();
        for (var company = 1; company <= 10; company++)
        {
            await f.GetAsync(f.Recent, company, counter);
        }

        var payloads = Enumerable.Range(1, 10).Sum(v => JsonSerializer.SerializeToUtf8Bytes(v).Length);
        Assert.Equal((10 * (CacheEntry.Overhead + CompanyState.EstimatedBytes)) + (2 * payloads), f.Cache.GetStatistics().EstimatedBytes);

        await f.Cache.InvalidateAsync(CacheTag.All);
        f.Engine.Sweep();
        Assert.Equal((0, 0, 0), (f.Cache.GetStatistics().Entries, f.Cache.GetStatistics().Companies, f.Cache.GetStatistics().EstimatedBytes));
    }

    [Fact]
    public async Task SizeLimit_CoversCompanyStates()
    {
        var perCompany = CacheEntry.Overhead + 2 + CompanyState.EstimatedBytes;
        await using var f = new CacheFixture(o => o.SizeLimitBytes = 100 * perCompany);
        var counter = new Counter();
        for (var company = 1; company <= 1_000; company++)
        {
            await f.GetAsync(f.Recent, company, counter);
        }

        f.Engine.Sweep();
        var statistics = f.Cache.GetStatistics();
        Assert.InRange(statistics.EstimatedBytes, 1, 100 * perCompany);
        Assert.InRange(statistics.Entries, 1, 100);
        Assert.InRange(statistics.Companies, 1, statistics.Entries);
    }

    [Fact]
    public async Task ComputedValue_IsSerializedOnce_AndHitsHandOutTheSameBytes()
    {
        var serializer = new CountingSerializer();
        await using var f = new CacheFixture(serializer: serializer);
        var miss = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(7)));
        var hit = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(8)));
        var hitAgain = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(9)));

        Assert.Equal(1, serializer.Serialized);
        Assert.Equal("{\"value\":7}", System.Text.Encoding.UTF8.GetString(miss.Utf8Json!));
        Assert.Same(miss.Utf8Json, hit.Utf8Json);
        Assert.Same(miss.Utf8Json, hitAgain.Utf8Json);
        Assert.NotNull(miss.ComputeTime);
        Assert.Null(hit.ComputeTime);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ValueReadFromL2_KeepsThePayloadAsItsBytes(bool slice)
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CacheFixture.Start);
        var store = new SlicingStore(new InMemoryWidgetCacheStore(time), slice);
        await using var a = new CacheFixture(store: store, time: time);
        await using var b = new CacheFixture(store: store, time: time);
        await a.Cache.GetOrComputeAsync(a.Heavy, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(7)));
        var fromL2 = await b.Cache.GetOrComputeAsync(b.Heavy, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(8)));
        var hit = await b.Cache.GetOrComputeAsync(b.Heavy, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(9)));

        Assert.True(fromL2.FromL2);
        Assert.Equal("{\"value\":7}", System.Text.Encoding.UTF8.GetString(fromL2.Utf8Json!));
        Assert.Same(fromL2.Utf8Json, hit.Utf8Json);
    }

    [Fact]
    public async Task SerializerThatIsNotJson_GivesNoUtf8Json()
    {
        await using var f = new CacheFixture(serializer: new CountingSerializer(json: false));
        var miss = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(7)));
        var hit = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, static (_, _, _) => new ValueTask<Box>(new Box(7)));
        Assert.Null(miss.Utf8Json);
        Assert.Null(hit.Utf8Json);
    }

    internal sealed record Box(int Value);

    private sealed class CountingSerializer(bool json = true) : IWidgetCacheSerializer
    {
        private readonly JsonWidgetCacheSerializer _inner = new();
        private int _serialized;

        public int Serialized => Volatile.Read(ref _serialized);

        public bool WritesUtf8Json => json;

        public byte[] Serialize<T>(T value)
        {
            Interlocked.Increment(ref _serialized);
            return _inner.Serialize(value);
        }

        public T Deserialize<T>(ReadOnlySpan<byte> bytes) => _inner.Deserialize<T>(bytes);
    }

    /// <summary>An L2 that hands payloads back as a slice of a larger buffer (as a network client may).</summary>
    private sealed class SlicingStore(IWidgetCacheStore inner, bool slice) : IWidgetCacheStore
    {
        public async ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken)
        {
            var stored = await inner.GetAsync(key, companyId, cancellationToken);
            if (stored is null || !slice)
            {
                return stored;
            }

            var buffer = new byte[stored.Payload.Length + 8];
            stored.Payload.CopyTo(buffer.AsMemory(4));
            return stored with { Payload = buffer.AsMemory(4, stored.Payload.Length) };
        }

        public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken) =>
            inner.SetAsync(key, companyId, entry, cancellationToken);

        public ValueTask SetTagStampAsync(string tag, long unixMs, CancellationToken cancellationToken) =>
            inner.SetTagStampAsync(tag, unixMs, cancellationToken);

        public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken) =>
            inner.GetTagStampsAsync(tags, cancellationToken);
    }
}

/// <summary>Tests that measure the process's memory run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryCollection
{
    public const string Name = "Memory";
}
