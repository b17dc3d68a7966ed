using System.Runtime.CompilerServices;
using AskProAI.Caching;

namespace AskProAI.Web.Features.Widgets;

/// <summary>What a widget is: its cache name, its tier, and the entities whose changes make it outdated.</summary>
/// <param name="Name">The widget name, also its cache name and its URL segment.</param>
/// <param name="Tier">The freshness tier: decides TTL, bucket and background refresh.</param>
/// <param name="DependsOn">The entity types the widget's query reads; data changes are mapped to widgets through it.</param>
internal sealed record WidgetDefinition(string Name, WidgetTier Tier, IReadOnlyList<Type> DependsOn)
{
    /// <summary>
    /// Gets, for a widget built from local-day parts, the time property that puts a row of each entity type in a day:
    /// a write then invalidates only the days of the rows it changed (old and new time). Empty for other widgets.
    /// </summary>
    public IReadOnlyDictionary<Type, string> DayKeys { get; init; } = new Dictionary<Type, string>();

    /// <summary>
    /// Gets how a changed row changes a cached value: an insert adds the row (ADR 0015), a versioned update takes the old
    /// row out and puts the new one in, a delete takes the old row out (ADR 0022). The value after the change, or null
    /// when the widget cannot tell (the value is then dropped and computed again). Null: every write invalidates the widget.
    /// </summary>
    public Func<object, Invalidation.ChangedRow, object?>? ApplyChange { get; init; }

    /// <summary>
    /// Gets how changed rows change the widget's cached day parts (<see cref="IDaySegmentCache.ApplyDaysAsync"/>);
    /// the result says whether every cached part could be updated. Null: the days a write touches are invalidated.
    /// </summary>
    public Func<DayPartsWrite, CancellationToken, ValueTask<bool>>? ApplyDays { get; init; }
}

/// <summary>A widget class declares its definition statically so it can be registered with the cache before the container is built.</summary>
internal interface IWidgetDefinition
{
    /// <summary>Gets the widget's definition.</summary>
    static abstract WidgetDefinition Definition { get; }
}

/// <summary>A dashboard widget: a slow aggregate over one company's data, served through the widget cache.</summary>
internal interface IDashboardWidget
{
    /// <summary>Gets the widget's definition.</summary>
    WidgetDefinition Definition { get; }

    /// <summary>Returns the widget value for a company from the cache (through the widget's handle), computing it when needed.</summary>
    ValueTask<WidgetResult> GetAsync(WidgetHandle handle, int companyId, CancellationToken cancellationToken);

    /// <summary>Computes the widget value for a company now, bypassing the cache.</summary>
    Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken);

    /// <summary>
    /// Computes the widget value for a company as of <paramref name="at"/> (the instant the cache says the value stands
    /// for: the bucket's start when it is computed ahead, as the pre-hour warm does), bypassing the cache.
    /// </summary>
    Task<object> ComputeUncachedAsync(int companyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ComputeUncachedAsync(companyId, cancellationToken);

    /// <summary>
    /// Computes the widget value from the database and stores it, replacing what is cached (<see cref="IWidgetCache.RefreshAsync{TState, T}(WidgetHandle, int, TState, Func{TState, WidgetComputeContext, CancellationToken, ValueTask{T}}, bool, CancellationToken, DateTimeOffset?)"/>).
    /// A widget does it with its own value type: the serializer refuses values declared as <see cref="object"/>, so only
    /// a typed refresh reaches L2 in distributed mode. This default (for test doubles) stores the value in L1 only.
    /// </summary>
    async ValueTask<WidgetResult> RefreshAsync(
        IWidgetCache cache, WidgetHandle handle, int companyId, bool coordinate, DateTimeOffset? bucketAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        var result = await cache.RefreshAsync(
            handle,
            companyId,
            this,
            static (w, context, ct) => new ValueTask<object>(w.ComputeUncachedAsync(context.CompanyId, context.At, ct)),
            coordinate,
            cancellationToken,
            bucketAt);
        return new WidgetResult(Definition, result.Value, result.Outcome, result.ComputedAt, TimeSpan.Zero, result.ComputeTime);
    }
}

/// <summary>
/// A widget value and where it came from. A struct, so a cache hit allocates nothing, and a small one: the times are
/// kept as ticks (UTC), because copying this struct is a good part of what a hit costs the service.
/// </summary>
internal readonly struct WidgetResult
{
    /// <summary>The compute ticks of a result whose request did not compute the value.</summary>
    internal const long NotComputed = -1;

    private readonly long _computedAtTicks;
    private readonly long _elapsedTicks;
    private readonly long _computeTicks;

    /// <summary>Initializes a result.</summary>
    /// <param name="definition">The widget.</param>
    /// <param name="value">The widget value (an immutable record).</param>
    /// <param name="outcome">Hit, miss, stale or bypass.</param>
    /// <param name="computedAt">When the value was computed.</param>
    /// <param name="elapsed">How long the cache call took for this request.</param>
    /// <param name="computeTime">How long the computation took, when this request ran it.</param>
    public WidgetResult(WidgetDefinition definition, object value, CacheOutcome outcome, DateTimeOffset computedAt, TimeSpan elapsed, TimeSpan? computeTime)
    {
        Definition = definition;
        Value = value;
        Outcome = outcome;
        _computedAtTicks = computedAt.UtcTicks;
        _elapsedTicks = elapsed.Ticks;
        _computeTicks = computeTime is { } compute ? compute.Ticks : NotComputed;
    }

    /// <summary>
    /// Initializes the service's result from the cache's, in ticks (not generic, so the widgets' shared generic code
    /// calls it without a lookup, and inlined: the hit path passes no struct by value); the time in the cache is at
    /// least the computation's (<see cref="NotComputed"/> when none ran), which may have begun before this request waited.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal WidgetResult(WidgetDefinition definition, object value, CacheOutcome outcome, long computedAtTicks, long computeTicks, bool fromL2, byte[]? utf8Json, long waitedTicks)
    {
        Definition = definition;
        Value = value;
        Outcome = outcome;
        _computedAtTicks = computedAtTicks;
        _computeTicks = computeTicks;
        _elapsedTicks = Math.Max(waitedTicks, computeTicks);
        FromL2 = fromL2;
        Utf8Json = utf8Json;
    }

    /// <summary>Gets the widget.</summary>
    public WidgetDefinition Definition { get; }

    /// <summary>Gets the widget value (an immutable record).</summary>
    public object Value { get; }

    /// <summary>Gets the outcome: hit, miss, stale or bypass.</summary>
    public CacheOutcome Outcome { get; }

    /// <summary>Gets when the value was computed (UTC).</summary>
    public DateTimeOffset ComputedAt => new(_computedAtTicks, TimeSpan.Zero);

    /// <summary>Gets how long the cache call took for this request: at least the computation's time when it ran one.</summary>
    public TimeSpan Elapsed => new(_elapsedTicks);

    /// <summary>Gets how long the computation took, when this request ran it.</summary>
    public TimeSpan? ComputeTime => _computeTicks == NotComputed ? null : new TimeSpan(_computeTicks);

    /// <summary>Gets whether a hit was read from the shared L2 (another instance computed it) rather than from memory.</summary>
    public bool FromL2 { get; init; }

    /// <summary>Gets the value's UTF-8 JSON as the cache keeps it (null in the Disabled mode): the response is written from it.</summary>
    public byte[]? Utf8Json { get; init; }
}

/// <summary>Changed rows of one company for a day-part widget, with what applying them needs.</summary>
/// <param name="Segments">The day segment cache.</param>
/// <param name="Widget">The widget's handle.</param>
/// <param name="CompanyId">The company.</param>
/// <param name="TimeZone">The company's zone (local days).</param>
/// <param name="Ticket">The write's ticket.</param>
/// <param name="Rows">The changed rows of the types the widget depends on, in order.</param>
internal sealed record DayPartsWrite(
    IDaySegmentCache Segments, WidgetHandle Widget, int CompanyId, TimeZoneInfo TimeZone, WriteTicket Ticket, IReadOnlyList<Invalidation.ChangedRow> Rows);
