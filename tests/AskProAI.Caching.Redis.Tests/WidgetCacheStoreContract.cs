using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// The one L2 contract: every <see cref="IWidgetCacheStore"/> (in-memory and Redis) must pass it. Each test
/// gets a fresh store (Redis: its own key prefix) on a fake clock starting at the seed's example hour.
/// </summary>
public abstract class WidgetCacheStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2025, 8, 6, 18, 7, 30, TimeSpan.Zero);

    private IWidgetCacheStore? _store;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected IWidgetCacheStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    protected long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task InitializeAsync()
    {
        _store = CreateStore(Time);
        return Task.CompletedTask;
    }

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected abstract IWidgetCacheStore CreateStore(FakeTimeProvider time);

    protected static string KeyOf(string widget, int companyId) => $"widget:{widget}:{companyId}:2025-08-06-18";

    [Fact]
    public async Task Get_Absent_ReturnsNull()
    {
        Assert.Null(await Store.GetAsync(KeyOf("dashboard_stats", 1), 1, default));
    }

    [Fact]
    public async Task SetThenGet_RoundTripsPayloadAndTimes()
    {
        var entry = new StoredEntry(Encoding.UTF8.GetBytes("{\"calls\":42}"), NowMs - 10, NowMs + 60_000);
        await Store.SetAsync(KeyOf("dashboard_stats", 123), 123, entry, default);
        var read = await Store.GetAsync(KeyOf("dashboard_stats", 123), 123, default);
        Assert.NotNull(read);
        Assert.Equal(entry.Payload.ToArray(), read.Payload.ToArray());
        Assert.Equal((entry.CreatedUnixMs, entry.ExpiresUnixMs), (read.CreatedUnixMs, read.ExpiresUnixMs));
    }

    [Fact]
    public async Task Set_SameKey_ReplacesValue()
    {
        await Store.SetAsync(KeyOf("recent_calls", 2), 2, new StoredEntry(new byte[] { 1 }, NowMs, NowMs + 60_000), default);
        await Store.SetAsync(KeyOf("recent_calls", 2), 2, new StoredEntry(new byte[] { 2, 3 }, NowMs + 1, NowMs + 60_000), default);
        var read = await Store.GetAsync(KeyOf("recent_calls", 2), 2, default);
        Assert.Equal(new byte[] { 2, 3 }, read!.Payload.ToArray());
    }

    [Fact]
    public async Task Get_AfterExpiry_ReturnsNull()
    {
        await Store.SetAsync(KeyOf("live_calls", 3), 3, new StoredEntry(new byte[] { 7 }, NowMs, NowMs + 60_000), default);
        Time.Advance(TimeSpan.FromSeconds(59));
        Assert.NotNull(await Store.GetAsync(KeyOf("live_calls", 3), 3, default));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await Store.GetAsync(KeyOf("live_calls", 3), 3, default));
    }

    [Fact]
    public async Task GetWithTagStamps_ReadsTheEntryAndEachTagsStampInOrder()
    {
        var entry = new StoredEntry(Encoding.UTF8.GetBytes("{\"ongoing\":3}"), NowMs - 5, NowMs + 60_000);
        await Store.SetAsync(KeyOf("live_calls", 7), 7, entry, default);
        string[] tags = [.. CacheTag.TagsOf("live_calls", WidgetTier.Live, 7).Select(t => t.ToString()), "company_data:8"];
        for (var i = 0; i < tags.Length; i++)
        {
            await Store.SetTagStampAsync(tags[i], 100 + i, default);
        }

        var (read, stamps) = await Store.GetWithTagStampsAsync(KeyOf("live_calls", 7), 7, tags, default);

        Assert.NotNull(read);
        Assert.Equal(entry.Payload.ToArray(), read.Payload.ToArray());
        Assert.Equal((entry.CreatedUnixMs, entry.ExpiresUnixMs), (read.CreatedUnixMs, read.ExpiresUnixMs));
        Assert.Equal(await Store.GetTagStampsAsync(tags, default), stamps);
        Assert.Equal(Enumerable.Range(100, tags.Length).Select(i => (long)i), stamps);
    }

    [Fact]
    public async Task GetWithTagStamps_NoEntry_NoStamps()
    {
        await Store.SetTagStampAsync("company_data:7", 100, default);

        var (read, stamps) = await Store.GetWithTagStampsAsync(KeyOf("live_calls", 7), 7, ["company_data:7"], default);

        Assert.Null(read);
        Assert.Empty(stamps);
    }

    [Fact]
    public async Task TagStamps_NeverInvalidated_AreZero()
    {
        var stamps = await Store.GetTagStampsAsync(["widgets", "company_data:9", "widget:dashboard_stats:9"], default);
        Assert.Equal(new long[] { 0, 0, 0 }, stamps);
    }

    [Fact]
    public async Task SetTagStamp_KeepsTheLargerValue()
    {
        await Store.SetTagStampAsync("company_data:5", 1_000, default);
        await Store.SetTagStampAsync("company_data:5", 500, default);
        Assert.Equal(1_000, (await Store.GetTagStampsAsync(["company_data:5"], default))[0]);
        await Store.SetTagStampAsync("company_data:5", 2_000, default);
        Assert.Equal(2_000, (await Store.GetTagStampsAsync(["company_data:5"], default))[0]);
    }

    [Fact]
    public async Task SetTagStamp_Concurrently_EndsAtTheMaximum()
    {
        var writes = Enumerable.Range(1, 200).Select(i => Store.SetTagStampAsync("widgets", i * 7 % 1000, default).AsTask());
        await Task.WhenAll(writes);
        Assert.Equal(Enumerable.Range(1, 200).Max(i => i * 7 % 1000), (await Store.GetTagStampsAsync(["widgets"], default))[0]);
    }

    [Fact]
    public async Task GetTagStamps_CompanyAndGlobalTagsInOneCall_ReturnsEachInOrder()
    {
        string[] tags = [.. CacheTag.TagsOf("dashboard_stats", WidgetTier.Heavy, 5).Select(t => t.ToString()), "company_data:6", "live_data"];
        for (var i = 0; i < tags.Length; i++)
        {
            await Store.SetTagStampAsync(tags[i], 100 + i, default);
        }

        var stamps = await Store.GetTagStampsAsync(tags, default);
        Assert.Equal(Enumerable.Range(0, tags.Length).Select(i => 100L + i), stamps);
    }

    [Fact]
    public async Task SetTagStamps_CompanyAndGlobalTagsTogether_EachKeepsTheLargerValue()
    {
        // Two companies' slots and the global one in one call (a cluster needs a script per slot).
        await Store.SetTagStampAsync("widget:live_calls:5", 3_000, default);
        string[] tags = ["widget:live_calls:5", "widget:recent_calls:5", "company_data:6", "live_data"];

        await Store.SetTagStampsAsync(tags, 2_000, default);

        Assert.Equal(new long[] { 3_000, 2_000, 2_000, 2_000 }, await Store.GetTagStampsAsync(tags, default));
        await Store.SetTagStampsAsync(tags, 4_000, default);
        Assert.Equal(new long[] { 4_000, 4_000, 4_000, 4_000 }, await Store.GetTagStampsAsync(tags, default));
        Assert.Equal(0, (await Store.GetTagStampsAsync(["company_data:5"], default))[0]);
    }

    [Fact]
    public async Task Payload_AnyBytes_RoundTripUnchanged()
    {
        // Bytes that look like the Redis codec's own headers, an empty payload and zeros are all opaque payload.
        byte[][] payloads = [[], [0xA1], [0xA2, 0, 0, 0, 0, 0xFF], new byte[17], [0xFF, 0xFE, 0x00, 0x7B]];
        for (var i = 0; i < payloads.Length; i++)
        {
            await Store.SetAsync(KeyOf("widget_" + i, 4), 4, new StoredEntry(payloads[i], NowMs, NowMs + 60_000), default);
        }

        for (var i = 0; i < payloads.Length; i++)
        {
            Assert.Equal(payloads[i], (await Store.GetAsync(KeyOf("widget_" + i, 4), 4, default))!.Payload.ToArray());
        }
    }

    [Fact]
    public async Task Companies_KeysAndStamps_AreIsolated()
    {
        await Store.SetAsync(KeyOf("dashboard_stats", 7), 7, new StoredEntry(new byte[] { 7 }, NowMs, NowMs + 60_000), default);
        await Store.SetTagStampAsync("company_data:7", NowMs, default);
        Assert.Null(await Store.GetAsync(KeyOf("dashboard_stats", 8), 8, default));
        Assert.Equal(0, (await Store.GetTagStampsAsync(["company_data:8"], default))[0]);
        Assert.Equal(new byte[] { 7 }, (await Store.GetAsync(KeyOf("dashboard_stats", 7), 7, default))!.Payload.ToArray());
    }

    [Theory]
    [InlineData(20_000, true)]
    [InlineData(1_000_000, false)]
    public async Task LargePayload_RoundTrips(int size, bool json)
    {
        var payload = json ? WidgetPayloads.DashboardJson(size) : WidgetPayloads.Random(size);
        await Store.SetAsync(KeyOf("heavy_report", 11), 11, new StoredEntry(payload, NowMs, NowMs + 900_000), default);
        Assert.Equal(payload, (await Store.GetAsync(KeyOf("heavy_report", 11), 11, default))!.Payload.ToArray());
    }
}

/// <summary>The contract against the engine's in-memory store (the reference behaviour).</summary>
public sealed class InMemoryWidgetCacheStoreContractTests : WidgetCacheStoreContract
{
    protected override IWidgetCacheStore CreateStore(FakeTimeProvider time) => new InMemoryWidgetCacheStore(time);
}
