namespace AskProAI.Caching;

/// <summary>
/// The widget cache: get-or-compute of <c>widget:{name}:{company_id}:{bucket}</c> values with single-flight,
/// tag invalidation, background refresh and fail-safe.
/// </summary>
public interface IWidgetCache
{
    /// <summary>Gets the registered widgets.</summary>
    IReadOnlyCollection<WidgetHandle> Widgets { get; }

    /// <summary>Registers a widget (or returns the registration made before with the same tier).</summary>
    /// <exception cref="ArgumentException">The name is invalid, or registered before with another tier.</exception>
    WidgetHandle Register(string name, WidgetTier tier);

    /// <summary>Finds a registered widget by name.</summary>
    bool TryGetWidget(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WidgetHandle? widget);

    /// <summary>
    /// Returns the cached value of a widget for a company, or computes it once however many callers ask at
    /// the same time. The computation may also run later on the <c>cache</c> queue (background refresh), so it
    /// must not capture request-scoped services: pass what it needs as <paramref name="state"/> and open its
    /// own scope or connection.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    ValueTask<CacheResult<T>> GetOrComputeAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default);

    /// <summary>Invalidates every entry carrying the tag; O(1) in the number of entries.</summary>
    ValueTask<InvalidationResult> InvalidateAsync(CacheTag tag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the start of a write whose rows may be applied to cached values later (<see cref="ApplyChangeAsync"/>).
    /// Take it before the write's statements run (before <c>SaveChanges</c>), never after.
    /// </summary>
    WriteTicket BeginWrite();

    /// <summary>
    /// Applies a committed write's own change to the company's cached values of a widget instead of dropping them:
    /// each value in memory whose computation ended before <paramref name="ticket"/> (so it cannot contain the write)
    /// becomes <c>apply(value)</c>; a value that may already contain the write, or for which <paramref name="apply"/>
    /// answers null (it cannot tell), is invalidated, as is every computation still in flight. Call it after the
    /// commit. In distributed mode (an L2 or a backplane) and in the Legacy and Disabled modes it only invalidates:
    /// copies on other instances cannot be updated in step.
    /// </summary>
    /// <returns>Whether no value had to be dropped (false: the next read computes).</returns>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    ValueTask<bool> ApplyChangeAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        WriteTicket ticket,
        TState state,
        Func<T, TState, T?> apply,
        CancellationToken cancellationToken = default)
        where T : class;

    /// <summary>
    /// Raised after another instance's invalidation (heard on the backplane) has been applied here, so that what
    /// this instance tells its own clients (a live push) never runs ahead of its own entries. Raised on the
    /// backplane's thread: handlers must return quickly and must not throw.
    /// </summary>
    event Action<CacheTag>? RemoteInvalidationApplied;

    /// <summary>Recomputes one widget of one company on the <c>cache</c> queue unless a computation is already in flight.</summary>
    /// <returns>Whether work was queued.</returns>
    bool TryScheduleRefresh<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute);

    /// <summary>
    /// Computes and stores a widget value now, replacing what is cached (used by warm jobs). With
    /// <paramref name="bucketAt"/> in a later bucket (the next hour, shortly before it starts), the value is
    /// stored under that bucket and stays fresh for at least a minute after the bucket starts, so the top of
    /// the hour is a hit.
    /// </summary>
    ValueTask<CacheResult<T>> RefreshAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default,
        DateTimeOffset? bucketAt = null);

    /// <summary>Whether a fresh value is cached for the widget and company in the current bucket.</summary>
    bool IsCached(WidgetHandle widget, int companyId);

    /// <summary>Returns counters and sizes for tools and pages.</summary>
    CacheStatistics GetStatistics();

    /// <summary>
    /// Switches the cache mode at run time, for one widget or (with <paramref name="widget"/> null) all;
    /// with <see cref="CacheMode.Optimized"/>, <paramref name="optimizedPercent"/> of companies get it and the
    /// others <see cref="CacheMode.Legacy"/>.
    /// </summary>
    /// <returns>The widgets whose mode changed.</returns>
    IReadOnlyList<WidgetHandle> SetMode(CacheMode mode, int optimizedPercent = 100, string? widget = null);
}

/// <summary>A registered widget: its name, tier and effective settings. Obtained from <see cref="IWidgetCache.Register"/>.</summary>
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
        TimeSpan failSafeThrottle = default)
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
