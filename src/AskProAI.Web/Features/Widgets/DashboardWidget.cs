using System.Runtime.CompilerServices;
using AskProAI.Caching;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// The base of every widget: runs the cache call and, on a miss, the query on a DbContext of its own. Widgets are
/// singletons because the computation may run later on the cache queue, after the request that asked is gone.
/// </summary>
/// <typeparam name="TSelf">The widget class, which declares its <see cref="WidgetDefinition"/>.</typeparam>
/// <typeparam name="TValue">The widget's immutable value type.</typeparam>
internal abstract class DashboardWidget<TSelf, TValue>(IDbContextFactory<AskProDbContext> dbFactory, TimeProvider time, ILogger logger)
    : IDashboardWidget
    where TSelf : DashboardWidget<TSelf, TValue>, IWidgetDefinition
    where TValue : class
{
    // Read once into instance fields: on the hit path, shared generic code (every widget's TSelf and TValue are classes)
    // would otherwise look up TSelf's static definition and the cached lambda through the type's generic dictionary.
    private readonly WidgetDefinition _definition = TSelf.Definition;
    private readonly Func<DashboardWidget<TSelf, TValue>, WidgetComputeContext, CancellationToken, ValueTask<TValue>> _compute =
        static (widget, context, ct) => context.Previous is TValue previous && widget.RollForward(previous, context.At) is { } rolled
            ? new ValueTask<TValue>(rolled)
            : new ValueTask<TValue>(widget.ComputeTimedAsync(context.CompanyId, context.At, ct));

    WidgetDefinition IDashboardWidget.Definition => _definition;

    /// <summary>Returns the widget value for a company from the cache (through the widget's handle), computing it when needed.</summary>
    /// <remarks>
    /// A widget overrides this with <c>=> GetCachedAsync(handle, companyId, cancellationToken)</c>: in the widget's own
    /// (not generic) class the hit path is compiled for its exact types, which saves the shared generic code's runtime
    /// type lookups, about a third of what a hit costs the service (<c>docs/benchmarks.md</c>). Behaviour is the same.
    /// </remarks>
    public virtual ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken) =>
        GetCachedAsync(handle, companyId, cancellationToken);

    /// <summary>
    /// The hit path of the service: the handle's own get-or-compute (no generic interface dispatch), the widget itself
    /// as the state and a computation made once, so a hit allocates nothing; the computation time and the value's JSON
    /// come back with the cache's result. An answer that is ready at once (a hit) is not timed: it takes well under the
    /// microsecond that <c>Server-Timing</c> shows, and two clock reads would cost more than the hit itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected ValueTask<WidgetResult> GetCachedAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var pending = handle.GetOrComputeAsync(companyId, this, _compute, cancellationToken);
        if (!pending.IsCompletedSuccessfully)
        {
            return AwaitAsync(pending, time.GetTimestamp());
        }

        return new(ResultOf(pending.Result, waitedTicks: 0));
    }

    private async ValueTask<WidgetResult> AwaitAsync(ValueTask<CacheResult<TValue>> pending, long started)
    {
        var result = await pending;
        return ResultOf(result, time.GetElapsedTime(started).Ticks);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private WidgetResult ResultOf(in CacheResult<TValue> result, long waitedTicks) => new(
        _definition,
        result.Value,
        result.Outcome,
        result.ComputedAt.UtcTicks,
        result.ComputeTime is { } compute ? compute.Ticks : WidgetResult.NotComputed,
        result.FromL2,
        result.Utf8Json,
        waitedTicks);

    /// <summary>
    /// Computes the value from the database and stores it with the widget's own value type, so its bytes reach L2 in
    /// distributed mode (a refresh declared as <see cref="object"/> is refused by the serializer and stays in L1).
    /// </summary>
    public async ValueTask<WidgetResult> RefreshAsync(
        IWidgetCache cache, WidgetHandle handle, int companyId, bool coordinate, DateTimeOffset? bucketAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var started = time.GetTimestamp();
        var result = await cache.RefreshAsync(handle, companyId, this, _compute, coordinate, cancellationToken, bucketAt);
        return ResultOf(result, time.GetElapsedTime(started).Ticks);
    }

    public async Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken) =>
        await ComputeTimedAsync(companyId, time.GetUtcNow(), cancellationToken);

    public async Task<object> ComputeUncachedAsync(int companyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ComputeTimedAsync(companyId, at, cancellationToken);

    /// <summary>
    /// The value at <paramref name="at"/> made from the previous bucket's value without a query, when the widget can prove
    /// it equal to <see cref="ComputeAsync"/> (ADR 0017); null to read the database. None by default.
    /// </summary>
    protected virtual TValue? RollForward(TValue previous, DateTimeOffset at) => null;

    /// <summary>Runs the widget's query for one company at the instant <paramref name="now"/>.</summary>
    protected abstract Task<TValue> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Runs the query for the instant the cache says the value stands for (the bucket's start when computed ahead).</summary>
    private async Task<TValue> ComputeTimedAsync(int companyId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var scope = Monitoring.DatabaseMetrics.BeginWidgetComputation();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var value = await ComputeAsync(db, companyId, at, cancellationToken);
        Log.WidgetComputed(logger, _definition.Name, _definition.Tier.Name(), time.GetElapsedTime(started).TotalMilliseconds);
        return value;
    }
}
