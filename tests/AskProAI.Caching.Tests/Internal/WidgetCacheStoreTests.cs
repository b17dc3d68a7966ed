namespace AskProAI.Caching.Tests.Internal;

public class WidgetCacheStoreTests
{
    [Fact]
    public async Task ThrowingStore_ComputesDirectlyLogsAndCounts()
    {
        await using var f = new CacheFixture(store: new ThrowingStore());
        var counter = new Counter();
        var result = await f.GetAsync(f.Recent, 1, counter);
        Assert.Equal((CacheOutcome.Miss, 1), (result.Outcome, result.Value));
        Assert.True(f.Cache.GetStatistics().Fallbacks >= 2); // the read and the write
        Assert.Contains(f.Logs.Entries, e => e.EventId == 1004);

        // L1 still works, and invalidation still works locally with the store down.
        Assert.Equal(CacheOutcome.Hit, (await f.GetAsync(f.Recent, 1, counter)).Outcome);
        await f.Cache.InvalidateAsync(CacheTag.Company(1));
        Assert.Equal(2, (await f.GetAsync(f.Recent, 1, counter)).Value);
    }

    [Fact]
    public async Task ThrowingSerializerInStore_StillServes()
    {
        await using var f = new CacheFixture(store: new InMemoryWidgetCacheStore());
        var result = await f.Cache.GetOrComputeAsync(f.Recent, 1, 0, (_, _, _) => new ValueTask<Unserializable>(new Unserializable()));
        Assert.Equal(CacheOutcome.Miss, result.Outcome);
        Assert.NotNull(result.Value);
    }

    [Fact]
    public async Task SharedStore_SecondInstanceReadsFirstInstancesValue()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CacheFixture.Start);
        var store = new InMemoryWidgetCacheStore(time);
        await using var a = new CacheFixture(store: store, time: time);
        await using var b = new CacheFixture(store: store, time: time);
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        var fromB = await b.GetAsync(b.Heavy, 1, counter);
        Assert.Equal(1, fromB.Value);
        Assert.Equal(1, counter.Count);
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public async Task SharedStore_InvalidationOnOneInstance_HidesStoredValueFromOthers()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CacheFixture.Start);
        var store = new InMemoryWidgetCacheStore(time);
        await using var a = new CacheFixture(store: store, time: time);
        await using var b = new CacheFixture(store: store, time: time);
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await a.Cache.InvalidateAsync(CacheTag.Company(1));
        time.Advance(TimeSpan.FromMilliseconds(5));
        var fromB = await b.GetAsync(b.Heavy, 1, counter);
        Assert.Equal(2, fromB.Value);
    }

    public sealed class Unserializable
    {
        public Unserializable Self => this;
    }

    [Fact]
    public async Task L2Read_AsksTheStoreForTheEntryAndItsStampsInOneCall()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(CacheFixture.Start);
        var store = new RecordingStore(new InMemoryWidgetCacheStore(time));
        await using var a = new CacheFixture(store: store, time: time);
        await using var b = new CacheFixture(store: store, time: time);
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        time.Advance(TimeSpan.FromMilliseconds(1));
        store.Calls.Clear();

        var fromB = await b.GetAsync(b.Heavy, 1, counter);

        // One call a store over a network answers in one round trip (Redis: one batch), not the entry and then its stamps.
        Assert.Equal((1, true), (fromB.Value, fromB.FromL2));
        Assert.Equal(["get-with-stamps"], store.Calls);
    }

    /// <summary>Records which of its methods the engine calls, then does what the inner store does.</summary>
    private sealed class RecordingStore(IWidgetCacheStore inner) : IWidgetCacheStore
    {
        public List<string> Calls { get; } = [];

        public ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken)
        {
            Calls.Add("get");
            return inner.GetAsync(key, companyId, cancellationToken);
        }

        public ValueTask<(StoredEntry? Entry, long[] Stamps)> GetWithTagStampsAsync(
            string key, int companyId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
        {
            Calls.Add("get-with-stamps");
            return inner.GetWithTagStampsAsync(key, companyId, tags, cancellationToken);
        }

        public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken) =>
            inner.SetAsync(key, companyId, entry, cancellationToken);

        public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken)
        {
            Calls.Add("stamps");
            return inner.GetTagStampsAsync(tags, cancellationToken);
        }

        public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken) =>
            inner.SetTagStampAsync(tag, unixMilliseconds, cancellationToken);
    }

    private sealed class ThrowingStore : IWidgetCacheStore
    {
        public ValueTask<StoredEntry?> GetAsync(string key, int companyId, CancellationToken cancellationToken) =>
            throw new IOException("store down");

        public ValueTask SetAsync(string key, int companyId, StoredEntry entry, CancellationToken cancellationToken) =>
            throw new IOException("store down");

        public ValueTask<long[]> GetTagStampsAsync(IReadOnlyList<string> tags, CancellationToken cancellationToken) =>
            throw new IOException("store down");

        public ValueTask SetTagStampAsync(string tag, long unixMilliseconds, CancellationToken cancellationToken) =>
            throw new IOException("store down");
    }
}
