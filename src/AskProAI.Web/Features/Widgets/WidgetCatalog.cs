using System.Collections.Frozen;
using AskProAI.Caching;

namespace AskProAI.Web.Features.Widgets;

/// <summary>
/// The widgets' definitions (name, tier, the entity types each reads), registered with the widgets and needing no
/// service. Invalidation maps changes and tags to widget names through it: unlike <see cref="WidgetRegistry"/> it
/// builds no widget, so the EF Core interceptors can depend on it without a cycle through the DbContext factory.
/// </summary>
internal sealed class WidgetCatalog
{
    private readonly FrozenSet<Type> _tracked;

    public WidgetCatalog(IEnumerable<WidgetDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        All = [.. definitions];
        _tracked = All.SelectMany(d => d.DependsOn).ToFrozenSet();
    }

    /// <summary>Gets every widget definition, in registration order.</summary>
    public IReadOnlyList<WidgetDefinition> All { get; }

    /// <summary>Whether any widget reads the entity type (rows of other types need not be collected).</summary>
    public bool IsTracked(Type entityType) => _tracked.Contains(entityType);

    /// <summary>The time property by which a day-part widget puts rows of the type in a local day, if any.</summary>
    public string? DayKeyOf(Type entityType)
    {
        foreach (var definition in All)
        {
            if (definition.DayKeys.TryGetValue(entityType, out var property))
            {
                return property;
            }
        }

        return null;
    }

    /// <summary>The names of the widgets whose query reads one of the entity types.</summary>
    public string[] NamesDependingOn(IEnumerable<Type> entityTypes) => [.. DependingOn(entityTypes).Select(d => d.Name)];

    /// <summary>The widgets that declare any of the types as a dependency.</summary>
    public WidgetDefinition[] DependingOn(IEnumerable<Type> entityTypes)
    {
        var types = entityTypes as ICollection<Type> ?? [.. entityTypes];
        return [.. All.Where(d => d.DependsOn.Any(types.Contains))];
    }

    /// <summary>The names of the widgets whose entries for the company any of the tags reaches.</summary>
    public string[] NamesMatching(IEnumerable<CacheTag> tags, int companyId) =>
        [.. All.Where(d => tags.Any(t => t.Matches(d.Name, d.Tier, companyId))).Select(d => d.Name)];
}
