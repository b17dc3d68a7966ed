using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Caching;

/// <summary>
/// A widget added with <see cref="AskProCachingBuilder.AddWidget"/>: keep it and read the widget through it. It is bound to
/// the cache once the service provider built from these services has created the cache: at host start, or when
/// <see cref="IWidgetCache"/> or the widget's <see cref="WidgetHandle"/> (a keyed service, keyed by the widget name) is
/// first resolved. It is also the builder, so the chain goes on (<c>.AddWidget(...).AddWidget(...).UseRedis(...)</c>).
/// </summary>
public sealed class WidgetRegistration : AskProCachingBuilder
{
    private WidgetHandle? _handle;

    internal WidgetRegistration(IServiceCollection services, string name, WidgetTier tier)
        : base(services)
    {
        Name = name;
        Tier = tier;
    }

    /// <summary>Gets the widget name.</summary>
    public string Name { get; }

    /// <summary>Gets the widget tier.</summary>
    public WidgetTier Tier { get; }

    /// <summary>Gets whether the widget is bound to a cache (its <see cref="Handle"/> may be used).</summary>
    public bool IsBound => Volatile.Read(ref _handle) is not null;

    /// <summary>Gets the widget's handle in the cache.</summary>
    /// <exception cref="InvalidOperationException">No cache has been created from these services yet.</exception>
    public WidgetHandle Handle => Volatile.Read(ref _handle) ?? throw new InvalidOperationException(
        $"Widget '{Name}' is not bound to a cache yet. It is once the service provider built from these services has created the " +
        $"cache: at host start, or when IWidgetCache (or the keyed WidgetHandle \"{Name}\") is first resolved.");

    /// <summary>
    /// Returns the cached value of this widget for a company, or computes it once however many callers ask at the same
    /// time (see <see cref="WidgetHandle.GetOrComputeAsync{TState, T}"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No cache has been created from these services yet.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    public ValueTask<CacheResult<T>> GetOrComputeAsync<TState, T>(
        int companyId,
        TState state,
        Func<TState, WidgetComputeContext, CancellationToken, ValueTask<T>> compute,
        CancellationToken cancellationToken = default) =>
        Handle.GetOrComputeAsync(companyId, state, compute, cancellationToken);

    /// <summary>Binds the registration to the cache just created (the last one, when several are built from the same services).</summary>
    internal void Bind(WidgetHandle handle) => Volatile.Write(ref _handle, handle);

    /// <summary>Returns the widget name.</summary>
    public override string ToString() => Name;
}
