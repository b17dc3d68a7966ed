namespace AskProAI.Caching;

/// <summary>
/// A registered widget: its name, tier and effective settings. Obtained from the registration
/// <see cref="AskProCachingBuilder.AddWidget"/> gives back, as a keyed service (keyed by the widget name), or from
/// <see cref="IWidgetCache.Register"/> and <see cref="IWidgetCache.TryGetWidget"/>.
/// </summary>
public sealed class WidgetHandle
{
    internal WidgetHandle(
        Internal.WidgetCache owner,
        int index,
        string name,
        WidgetTier tier,
        TimeSpan ttl,
        bool backgroundRefresh,
        bool staleOnRollover,
        bool prefetchNextBucket = false,
        TimeSpan failSafeThrottle = default,
        TimeSpan softTimeout = default,
        TimeSpan hardTimeout = default)
    {
        Owner = owner;
        Index = index;
        Name = name;
        Tier = tier;
        Ttl = ttl;
        BackgroundRefresh = backgroundRefresh;
        ServeStaleOnRollover = staleOnRollover;
        PrefetchNextBucket = prefetchNextBucket;
        FailSafeThrottle = failSafeThrottle;
        SoftTimeout = softTimeout;
        HardTimeout = hardTimeout;
        TtlTicks = ttl.Ticks;
    }

    /// <summary>Gets the widget's cache mode.</summary>
    public CacheMode Mode => _mode;

    /// <summary>Gets the percentage of companies on Optimized when <see cref="Mode"/> is Optimized.</summary>
    public int OptimizedPercent => _optimizedPercent;

    /// <summary>Whether the hit path may go straight to the optimized cache (Optimized for every company).</summary>
    internal bool AllOptimized => _allOptimized;

    internal void SetMode(CacheMode mode, int optimizedPercent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(optimizedPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(optimizedPercent, 100);
        _mode = mode;
        _optimizedPercent = optimizedPercent;
        _allOptimized = mode == CacheMode.Optimized && optimizedPercent == 100;
    }

    /// <summary>The mode a company gets: Optimized for a stable <see cref="OptimizedPercent"/> share of companies.</summary>
    public CacheMode ModeFor(int companyId)
    {
        var mode = _mode;
        if (mode != CacheMode.Optimized || _optimizedPercent == 100)
        {
            return mode;
        }

        // Knuth's multiplicative hash spreads consecutive ids; the same company always lands in the same group.
        var slot = unchecked((uint)companyId * 2654435761u) % 100;
        return slot < (uint)_optimizedPercent ? CacheMode.Optimized : CacheMode.Legacy;
    }

    private volatile CacheMode _mode;
    private volatile int _optimizedPercent = 100;
    private volatile bool _allOptimized = true;

    /// <summary>Gets the widget name.</summary>
    public string Name { get; }

    /// <summary>Gets the widget tier.</summary>
    public WidgetTier Tier { get; }

    /// <summary>Gets the TTL of the widget's entries.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>Gets whether entries are refreshed in the background past the refresh threshold.</summary>
    public bool BackgroundRefresh { get; }

    /// <summary>Gets whether a new bucket is answered from the previous one while it is computed.</summary>
    public bool ServeStaleOnRollover { get; }

    /// <summary>Gets whether an entry read late in its bucket has the next bucket computed ahead.</summary>
    public bool PrefetchNextBucket { get; }

    /// <summary>Gets how long a fail-safe value is served after a failed computation before the source is called again.</summary>
    public TimeSpan FailSafeThrottle { get; }

    /// <summary>
    /// Gets how long a caller waits for a computation before it is given a stale value instead, when one may be served
    /// (zero: no soft timeout). See <see cref="TierOptions.SoftTimeout"/>.
    /// </summary>
    public TimeSpan SoftTimeout { get; }

    /// <summary>
    /// Gets how long a caller waits for a computation at most before it gets a <see cref="WidgetTimeoutException"/>
    /// (zero: no hard timeout). See <see cref="TierOptions.HardTimeout"/>.
    /// </summary>
    public TimeSpan HardTimeout { get; }

    /// <summary>Whether a caller waiting for a computation has a timeout (soft or hard).</summary>
    internal bool HasTimeouts => SoftTimeout > TimeSpan.Zero || HardTimeout > TimeSpan.Zero;

    internal int Index { get; }

    internal long TtlTicks { get; }

    internal Internal.WidgetCounters Counters { get; } = new();

    internal Internal.StampCell Stamp { get; } = new();

    internal Internal.WidgetCache Owner { get; }

    /// <summary>
    /// Returns the cached value of this widget for a company, or computes it once however many callers ask at
    /// the same time; the same as <see cref="IWidgetCache.GetOrComputeAsync{TState, T}"/> without the interface
    /// dispatch of a generic method, which costs more than the rest of a hit.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    public ValueTask<CacheResult<T>> GetOrComputeAsync<TState, T>(
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default) =>
        Owner.GetOrComputeAsync(this, companyId, state, compute, cancellationToken);

    /// <summary>Returns the widget name.</summary>
    public override string ToString() => Name;
}
