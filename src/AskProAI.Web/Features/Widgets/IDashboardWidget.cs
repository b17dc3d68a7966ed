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

    /// <summary>Returns the widget value for a company from the cache, computing it when needed.</summary>
    ValueTask<WidgetResult> GetAsync(IWidgetCache cache, WidgetHandle handle, int companyId, CancellationToken cancellationToken);

    /// <summary>Computes the widget value for a company now, bypassing the cache.</summary>
    Task<object> ComputeUncachedAsync(int companyId, CancellationToken cancellationToken);

    /// <summary>
    /// Computes the widget value for a company as of <paramref name="at"/> (the instant the cache says the value stands
    /// for: the bucket's start when it is computed ahead, as the pre-hour warm does), bypassing the cache.
    /// </summary>
    Task<object> ComputeUncachedAsync(int companyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ComputeUncachedAsync(companyId, cancellationToken);
}

/// <summary>A widget value and where it came from.</summary>
/// <param name="Definition">The widget.</param>
/// <param name="Value">The widget value (an immutable record).</param>
/// <param name="Outcome">Hit, miss, stale or bypass.</param>
/// <param name="ComputedAt">When the value was computed.</param>
/// <param name="Elapsed">How long the cache call took for this request.</param>
/// <param name="ComputeTime">How long the computation took, when this request ran it.</param>
internal sealed record WidgetResult(
    WidgetDefinition Definition,
    object Value,
    CacheOutcome Outcome,
    DateTimeOffset ComputedAt,
    TimeSpan Elapsed,
    TimeSpan? ComputeTime)
{
    /// <summary>Gets whether a hit was read from the shared L2 (another instance computed it) rather than from memory.</summary>
    public bool FromL2 { get; init; }
}
