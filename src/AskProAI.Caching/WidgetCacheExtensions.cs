namespace AskProAI.Caching;

/// <summary>Conveniences over <see cref="IWidgetCache"/>.</summary>
public static class WidgetCacheExtensions
{
    /// <summary>Gets or computes a registered widget by name.</summary>
    /// <exception cref="KeyNotFoundException">No widget has that name.</exception>
    public static ValueTask<CacheResult<T>> GetOrComputeAsync<TState, T>(
        this IWidgetCache cache,
        string widget,
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.TryGetWidget(widget, out var handle)
            ? handle.GetOrComputeAsync(companyId, state, compute, cancellationToken)
            : throw new KeyNotFoundException($"No widget named '{widget}' is registered.");
    }

    /// <summary>Gets or computes a widget with a computation that needs no state.</summary>
    public static ValueTask<CacheResult<T>> GetOrComputeAsync<T>(
        this IWidgetCache cache,
        WidgetHandle widget,
        int companyId,
        Func<WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.GetOrComputeAsync(widget, companyId, compute, static (c, ctx, ct) => c(ctx, ct), cancellationToken);
    }
}
