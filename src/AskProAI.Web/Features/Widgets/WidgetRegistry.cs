using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using AskProAI.Caching;

namespace AskProAI.Web.Features.Widgets;

/// <summary>A widget with its cache registration.</summary>
/// <param name="Widget">The widget.</param>
/// <param name="Handle">The widget's registration in the cache.</param>
internal sealed record RegisteredWidget(IDashboardWidget Widget, WidgetHandle Handle)
{
    /// <summary>Gets the widget name.</summary>
    public string Name => Handle.Name;

    /// <summary>Returns the widget value for a company from the cache, computing it when needed.</summary>
    public ValueTask<WidgetResult> GetAsync(int companyId, CancellationToken cancellationToken) =>
        Widget.GetAsync(Handle, companyId, cancellationToken);

    /// <summary>Computes the widget value from the database and stores it with its own type, replacing what is cached.</summary>
    public ValueTask<WidgetResult> RefreshAsync(
        IWidgetCache cache, int companyId, bool coordinate, DateTimeOffset? bucketAt, CancellationToken cancellationToken) =>
        Widget.RefreshAsync(cache, Handle, companyId, coordinate, bucketAt, cancellationToken);
}

/// <summary>The dashboard widgets, by name, each tied to its cache registration.</summary>
internal sealed class WidgetRegistry
{
    private readonly FrozenDictionary<string, RegisteredWidget> _byName;

    public WidgetRegistry(IEnumerable<IDashboardWidget> widgets, IWidgetCache cache)
    {
        ArgumentNullException.ThrowIfNull(widgets);
        ArgumentNullException.ThrowIfNull(cache);

        // Register returns the registration made from the options at startup, so both always agree on the tier.
        All = [.. widgets.Select(w => new RegisteredWidget(w, cache.Register(w.Definition.Name, w.Definition.Tier)))];
        _byName = All.ToFrozenDictionary(w => w.Name, StringComparer.Ordinal);
        Names = [.. All.Select(w => w.Name)];
    }

    /// <summary>Gets every widget, in registration order.</summary>
    public IReadOnlyList<RegisteredWidget> All { get; }

    /// <summary>Gets every widget name, in registration order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Finds a widget by its exact name.</summary>
    public bool TryGet(string? name, [NotNullWhen(true)] out RegisteredWidget? widget)
    {
        widget = null;
        return name is not null && _byName.TryGetValue(name, out widget);
    }

    /// <summary>The names of the widgets whose entries for the company any of the tags reaches.</summary>
    public string[] NamesMatching(IEnumerable<CacheTag> tags, int companyId) =>
        [.. All.Where(w => tags.Any(t => t.Matches(w.Name, w.Handle.Tier, companyId))).Select(w => w.Name)];

    /// <summary>The widgets whose query reads the given entity type.</summary>
    public IEnumerable<RegisteredWidget> DependingOn(Type entityType) =>
        All.Where(w => w.Widget.Definition.DependsOn.Contains(entityType));
}
