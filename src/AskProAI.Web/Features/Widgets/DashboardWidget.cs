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
    WidgetDefinition IDashboardWidget.Definition => TSelf.Definition;

    public async ValueTask<WidgetResult> GetAsync(IWidgetCache cache, WidgetHandle handle, int companyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var timing = new ComputeTiming();
        var started = time.GetTimestamp();
        var result = await cache.GetOrComputeAsync(
            handle,
            companyId,
            (Widget: this, Timing: timing),
            static (state, context, ct) => state.Widget.RollForward(context.Previous, context.At) is { } rolled
                ? new ValueTask<TValue>(rolled)
                : new ValueTask<TValue>(state.Widget.ComputeTimedAsync(context.CompanyId, context.At, state.Timing, ct)),
            cancellationToken);
        return new WidgetResult(TSelf.Definition, result.Value, result.Outcome, result.ComputedAt, time.GetElapsedTime(started), timing.Elapsed)
        {
            FromL2 = result.FromL2,
        };
    }

    public async Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken) =>
        await ComputeTimedAsync(companyId, time.GetUtcNow(), new ComputeTiming(), cancellationToken);

    public async Task<object> ComputeUncachedAsync(int companyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        await ComputeTimedAsync(companyId, at, new ComputeTiming(), cancellationToken);

    /// <summary>
    /// The value at <paramref name="at"/> made from the previous bucket's value without a query, when the widget can prove
    /// it equal to <see cref="ComputeAsync"/> (ADR 0017); null to read the database. None by default.
    /// </summary>
    protected virtual TValue? RollForward(object? previous, DateTimeOffset at) => null;

    /// <summary>Runs the widget's query for one company at the instant <paramref name="now"/>.</summary>
    protected abstract Task<TValue> ComputeAsync(AskProDbContext db, int companyId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Runs the query for the instant the cache says the value stands for (the bucket's start when computed ahead).</summary>
    private async Task<TValue> ComputeTimedAsync(int companyId, DateTimeOffset at, ComputeTiming timing, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        using var scope = Monitoring.DatabaseMetrics.BeginWidgetComputation();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var value = await ComputeAsync(db, companyId, at, cancellationToken);
        timing.Elapsed = time.GetElapsedTime(started);
        Log.WidgetComputed(logger, TSelf.Definition.Name, TSelf.Definition.Tier.Name(), timing.Elapsed.Value.TotalMilliseconds);
        return value;
    }

    /// <summary>Carries the computation time back to the request that ran it (a background refresh writes to a copy nobody reads).</summary>
    private sealed class ComputeTiming
    {
        public TimeSpan? Elapsed { get; set; }
    }
}
