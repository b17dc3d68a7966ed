using AskProAI.Caching.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static AskProAI.Caching.Redis.Tests.RedisTestEnvironment;

namespace AskProAI.Caching.Redis.Tests;

/// <summary>
/// What the engine guarantees on top of an L2, run against every <see cref="IWidgetCacheStore"/> (in-memory and
/// Redis): two engine instances ("nodes") share one store and one fake clock starting at 18:07:30 UTC.
/// </summary>
public abstract class EngineOverL2Contract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2025, 8, 6, 18, 7, 30, TimeSpan.Zero);

    private readonly List<L2Node> _nodes = [];
    private IWidgetCacheStore? _store;

    protected FakeTimeProvider Time { get; } = new(Start);

    protected IWidgetCacheStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    public Task InitializeAsync()
    {
        _store = CreateStore(Time);
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    protected abstract IWidgetCacheStore CreateStore(FakeTimeProvider time);

    private protected L2Node Node(Action<WidgetCacheOptions>? configure = null)
    {
        var node = new L2Node(Store, Time, configure);
        _nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task L2Copy_KeepsTheEntrysRemainingLifetime_NotAFreshTtl()
    {
        var (a, b) = (Node(), Node());
        var counter = new Counter();
        Assert.Equal(1, (await a.GetAsync(a.Heavy, 1, counter)).Value);

        Time.Advance(TimeSpan.FromSeconds(800)); // 100 s of the 900 s TTL left
        var copy = await b.GetAsync(b.Heavy, 1, counter);
        Assert.Equal(1, copy.Value);
        Assert.Equal(1, counter.Count);

        Time.Advance(TimeSpan.FromSeconds(101)); // past the entry's own expiry, though B read it only 101 s ago
        Assert.False(b.Cache.IsCached(b.Heavy, 1), "B's copy outlived the entry's TTL");
        var after = await b.GetAsync(b.Heavy, 1, counter);
        Assert.Equal(2, after.Value);
    }

    [Fact]
    public async Task RefreshAsync_WithTheValueInL2_ComputesFromTheSource()
    {
        var (a, b) = (Node(), Node());
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        await b.GetAsync(b.Heavy, 1, counter);
        Time.Advance(TimeSpan.FromSeconds(10));

        var refreshed = await b.Cache.RefreshAsync(b.Heavy, 1, counter, static (c, _, _) => new ValueTask<int>(c.Next()));

        Assert.Equal(2, refreshed.Value);
        Assert.Equal(2, counter.Count);
        Assert.Equal(Time.GetUtcNow(), refreshed.ComputedAt);
        var next = await b.GetAsync(b.Heavy, 1, counter);
        Assert.Equal((CacheOutcome.Hit, 2), (next.Outcome, next.Value));
    }

    [Fact]
    public async Task BackgroundRefresh_WithTheValueInL2_ComputesFromTheSource()
    {
        var a = Node();
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        Time.Advance(TimeSpan.FromSeconds(900 * 0.85));

        var hit = await a.GetAsync(a.Heavy, 1, counter); // past the refresh point: served at once, refreshed behind
        Assert.Equal((CacheOutcome.Hit, 1), (hit.Outcome, hit.Value));
        await a.Queue.WhenIdleAsync();

        Assert.Equal(2, counter.Count);
        Time.Advance(TimeSpan.FromSeconds(200)); // past the first value's expiry, within the refreshed one's
        var after = await a.GetAsync(a.Heavy, 1, counter);
        Assert.Equal((CacheOutcome.Hit, 2), (after.Outcome, after.Value));
    }

    [Fact]
    public async Task BackgroundRefresh_PeerRefreshedAlready_TakesThePeersNewerValue()
    {
        var (a, b) = (Node(), Node());
        var counter = new Counter();
        await a.GetAsync(a.Heavy, 1, counter);
        await b.GetAsync(b.Heavy, 1, counter);
        Time.Advance(TimeSpan.FromSeconds(765));
        await a.GetAsync(a.Heavy, 1, counter);
        await a.Queue.WhenIdleAsync();
        Assert.Equal(2, counter.Count);

        Time.Advance(TimeSpan.FromSeconds(1));
        await b.GetAsync(b.Heavy, 1, counter); // past B's refresh point: B refreshes, and finds A's newer value
        await b.Queue.WhenIdleAsync();

        Assert.Equal(2, counter.Count);
        Assert.Equal(2, (await b.GetAsync(b.Heavy, 1, counter)).Value);
    }

    [Fact]
    public async Task ValueTuplesAndDictionaries_ComeBackFromL2Whole()
    {
        var (a, b) = (Node(), Node());
        var byStatus = new Dictionary<string, int> { ["completed"] = 3, ["missed"] = 1 };
        Func<int, WidgetComputeContext, CancellationToken, ValueTask<(int Calls, decimal Minutes, Dictionary<string, int> ByStatus)>> compute =
            (n, _, _) => new((n, 12.5m, byStatus));
        await a.Recent.GetOrComputeAsync(1, 42, compute);

        var fromL2 = await b.Recent.GetOrComputeAsync(1, 0, compute); // 0 would be computed: the value must come from L2

        Assert.Equal((42, 12.5m), (fromL2.Value.Calls, fromL2.Value.Minutes));
        Assert.Equal(byStatus, fromL2.Value.ByStatus);
    }

    [Fact]
    public async Task L2Read_IsAHit_CountedApartFromMemoryHits()
    {
        var (a, b) = (Node(), Node());
        var counter = new Counter();
        var computed = await a.GetAsync(a.Recent, 1, counter);
        var fromL2 = await b.GetAsync(b.Recent, 1, counter);
        var fromMemory = await b.GetAsync(b.Recent, 1, counter);

        Assert.Equal((CacheOutcome.Miss, false), (computed.Outcome, computed.FromL2));
        Assert.Equal((CacheOutcome.Hit, true, 1), (fromL2.Outcome, fromL2.FromL2, fromL2.Value));
        Assert.Equal("HIT", fromL2.OutcomeText);
        Assert.Equal((CacheOutcome.Hit, false), (fromMemory.Outcome, fromMemory.FromL2));
        Assert.Equal(1, counter.Count);
        var stats = b.Cache.GetStatistics();
        var widget = stats.Widgets.Single(w => w.Widget == "recent_calls");
        Assert.Equal((1L, 1L, 0L, 2L, 1.0), (widget.Hits, widget.L2Hits, widget.Misses, widget.Requests, widget.HitRatio));
        Assert.Equal(1, stats.Tiers.Single(t => t.Tier == WidgetTier.Statistics).L2Hits);
        var onA = a.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls");
        Assert.Equal((0L, 1L), (onA.L2Hits, onA.Misses));
    }

    [Fact]
    public async Task SoftTimeout_NodeBWithACopyReadFromL2_ServesItStale_AndTheComputationReachesL2()
    {
        var (a, b) = (Node(WithTimeouts), Node(WithTimeouts));
        var counter = new Counter();
        await a.GetAsync(a.Recent, 1, counter);
        Assert.True((await b.GetAsync(b.Recent, 1, counter)).FromL2);
        Time.Advance(TimeSpan.FromSeconds(301)); // past the entry's expiry on both nodes; L2 holds no expired value
        var gate = new TaskCompletionSource<int>();

        var pending = b.Recent.GetOrComputeAsync(1, gate, static async (g, _, _) => await g.Task).AsTask();
        Time.Advance(TimeSpan.FromSeconds(1));

        var stale = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal((CacheOutcome.Stale, 1, false), (stale.Outcome, stale.Value, stale.FromL2));
        gate.SetResult(2);
        var key = WidgetKey.Create("recent_calls", WidgetTier.Statistics, 1, Time.GetUtcNow()).ToString();
        Assert.True(await EventuallyAsync(async () => (await Store.GetAsync(key, 1, CancellationToken.None))?.CreatedUnixMs > Start.ToUnixTimeMilliseconds(), TimeSpan.FromSeconds(10)));
        var onA = await a.GetAsync(a.Recent, 1, counter);
        Assert.Equal((CacheOutcome.Hit, true, 2), (onA.Outcome, onA.FromL2, onA.Value));
        Assert.Equal(1, counter.Count);
        Assert.Equal(1, b.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls").SoftTimeouts);
    }

    [Fact]
    public async Task SoftTimeout_NodeBsCopyInvalidatedOnNodeA_IsNeverServed()
    {
        var (a, b) = (Node(WithTimeouts), Node(WithTimeouts));
        var counter = new Counter();
        await a.GetAsync(a.Recent, 1, counter);
        await b.GetAsync(b.Recent, 1, counter);
        Time.Advance(TimeSpan.FromSeconds(301));
        var tag = CacheTag.Company(1);
        await a.Cache.InvalidateAsync(tag);
        ((IBackplaneHandler)b.Cache).OnRemoteInvalidation(tag); // what the backplane delivers to B
        var (called, gate) = (new TaskCompletionSource(), new TaskCompletionSource<int>());

        var pending = b.Recent.GetOrComputeAsync(1, (called, gate), static async (s, _, _) =>
        {
            s.called.TrySetResult();
            return await s.gate.Task;
        }).AsTask();
        await called.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the hard timeout counts from here (ADR 0020), after B's L2 read
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(pending.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(9));

        await Assert.ThrowsAsync<WidgetTimeoutException>(() => pending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, b.Cache.GetStatistics().Widgets.Single(w => w.Widget == "recent_calls").StaleHits);
        gate.SetResult(2);
    }

    private static void WithTimeouts(WidgetCacheOptions options)
    {
        options.Statistics.SoftTimeout = TimeSpan.FromSeconds(1);
        options.Statistics.HardTimeout = TimeSpan.FromSeconds(10);
        options.SweepInterval = TimeSpan.FromHours(1);
    }

    [Fact]
    public async Task L2Read_KeepsThePayloadAsTheValuesOneByteForm()
    {
        var (a, b) = (Node(), Node());
        var computed = await a.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<Figures>(new Figures(7, "seven")));
        var fromL2 = await b.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<Figures>(new Figures(8, "eight")));
        var fromMemory = await b.Recent.GetOrComputeAsync(1, 0, static (_, _, _) => new ValueTask<Figures>(new Figures(9, "nine")));

        Assert.True(fromL2.FromL2);
        Assert.Equal(computed.Utf8Json, fromL2.Utf8Json);
        Assert.Equal("{\"calls\":7,\"label\":\"seven\"}", System.Text.Encoding.UTF8.GetString(fromL2.Utf8Json!));
        Assert.Same(fromL2.Utf8Json, fromMemory.Utf8Json);
    }

    [Fact]
    public async Task CompanyStateDropped_AnInvalidationOnAPeer_StillHidesTheL2Value()
    {
        var (a, b) = (Node(), Node(o => o.SweepInterval = TimeSpan.FromSeconds(1)));
        var counter = new Counter();
        await a.GetAsync(a.Recent, 1, counter);
        await b.GetAsync(b.Recent, 1, counter);
        Time.Advance(TimeSpan.FromMilliseconds(5));

        // B drops its entry and, with it, the company's state (the sweep runs on B's timer); A is written to; B reads
        // again through L2.
        await b.Cache.InvalidateAsync(CacheTag.CompanyWidget("recent_calls", 1));
        Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, b.Cache.GetStatistics().Companies);
        Time.Advance(TimeSpan.FromMilliseconds(5));
        await a.Cache.InvalidateAsync(CacheTag.Company(1));
        Time.Advance(TimeSpan.FromMilliseconds(5));

        var after = await b.GetAsync(b.Recent, 1, counter);
        Assert.Equal((CacheOutcome.Miss, 2), (after.Outcome, after.Value));
    }

    internal sealed record Figures(int Calls, string Label);
}

/// <summary>The engine guarantees over the in-memory L2.</summary>
public sealed class InMemoryEngineOverL2Tests : EngineOverL2Contract
{
    protected override IWidgetCacheStore CreateStore(FakeTimeProvider time) => new InMemoryWidgetCacheStore(time);
}

/// <summary>The engine guarantees over Redis (ASKPRO_TEST_REDIS), under a prefix of its own.</summary>
public sealed class RedisEngineOverL2Tests : EngineOverL2Contract
{
    private RedisConnection? _redis;

    protected override IWidgetCacheStore CreateStore(FakeTimeProvider time)
    {
        _redis = RedisTestEnvironment.Connect(RedisTestEnvironment.Configuration, RedisTestEnvironment.UniquePrefix(), time);
        return new RedisWidgetCacheStore(_redis, time, NullLogger<RedisWidgetCacheStore>.Instance, new RedisMetrics(new TestMeterFactory()));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

/// <summary>One engine instance on a shared store and clock.</summary>
internal sealed class L2Node : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public L2Node(IWidgetCacheStore store, FakeTimeProvider time, Action<WidgetCacheOptions>? configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        services.AddAskProCaching(configure)
            .AddWidget("live_calls", WidgetTier.Live)
            .AddWidget("recent_calls", WidgetTier.Statistics)
            .AddWidget("dashboard_stats", WidgetTier.Heavy)
            .UseStore(store);
        _provider = services.BuildServiceProvider();
        Cache = _provider.GetRequiredService<IWidgetCache>();
        Queue = _provider.GetRequiredService<ICacheWorkQueue>();
    }

    public IWidgetCache Cache { get; }

    public ICacheWorkQueue Queue { get; }

    public WidgetHandle Live => Widget("live_calls");

    public WidgetHandle Recent => Widget("recent_calls");

    public WidgetHandle Heavy => Widget("dashboard_stats");

    public WidgetHandle Widget(string name) => Cache.TryGetWidget(name, out var w) ? w : throw new InvalidOperationException(name);

    /// <summary>Gets a value computed by a counter, so a test sees which computation a value came from.</summary>
    public ValueTask<CacheResult<int>> GetAsync(WidgetHandle widget, int companyId, Counter counter) =>
        widget.GetOrComputeAsync(companyId, counter, static (c, _, _) => new ValueTask<int>(c.Next()));

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();
}
