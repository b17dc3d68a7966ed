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
    /// Invalidates every entry carrying any of the tags, as one invalidation: in distributed mode the tags' stamps go to
    /// L2 in one round trip per hash slot and the other instances hear one backplane message for all of them (one
    /// <see cref="RemoteInvalidationsApplied"/> there), instead of a round trip and a message per tag.
    /// </summary>
    ValueTask<InvalidationResult> InvalidateAsync(IReadOnlyList<CacheTag> tags, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="InvalidateAsync(IReadOnlyList{CacheTag}, CancellationToken)"/>, with work that runs after the entries
    /// were dropped here and, in distributed mode, after the tags' new stamps are in L2, but before the other instances
    /// hear of the invalidation: a value computed there (through <see cref="GetOrComputeAsync{TState, T}"/>) is stored in
    /// L2 with the new stamp, so every other instance's next read of it is an L2 hit instead of a computation of its own
    /// (ADR 0026: the live widget recomputed once by the writer). A failure of that work is logged and does not fail the
    /// invalidation; it is not run again when the invalidation has to be sent again later.
    /// </summary>
    ValueTask<InvalidationResult> InvalidateAsync(
        IReadOnlyList<CacheTag> tags, Func<CancellationToken, ValueTask>? beforeAnnouncing, CancellationToken cancellationToken = default);

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
    /// <seealso cref="CanApplyChanges"/>
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

    /// <summary>
    /// Raised once per backplane message, after every tag it carried has been applied here (and after
    /// <see cref="RemoteInvalidationApplied"/> for each): one other instance's write, whatever number of tags it
    /// invalidated. Same rules as <see cref="RemoteInvalidationApplied"/>.
    /// </summary>
    event Action<IReadOnlyList<CacheTag>>? RemoteInvalidationsApplied;

    /// <summary>
    /// Whether <see cref="ApplyChangeAsync"/> can update this widget's values of the company in place (one node, the
    /// Optimized mode); when false it only invalidates, and a caller with several widgets to drop does better to
    /// invalidate them together (<see cref="InvalidateAsync(IReadOnlyList{CacheTag}, CancellationToken)"/>).
    /// </summary>
    bool CanApplyChanges(WidgetHandle widget, int companyId);

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

    /// <summary>
    /// As the other <c>RefreshAsync</c>; with <paramref name="coordinate"/> false, in distributed mode the computation does
    /// not read L2 or take the distributed lock first (it computes and writes L2): for a writer recomputing a value in
    /// <see cref="InvalidateAsync(IReadOnlyList{CacheTag}, Func{CancellationToken, ValueTask}?, CancellationToken)"/>'s
    /// work before announcing, whose L2 copy it has just invalidated (ADR 0026). The lock only keeps instances from
    /// computing the same value at once; values are checked against the tag stamps either way.
    /// </summary>
    ValueTask<CacheResult<T>> RefreshAsync<TState, T>(
        WidgetHandle widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        bool coordinate,
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
