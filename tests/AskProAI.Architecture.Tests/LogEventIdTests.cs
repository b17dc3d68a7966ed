using System.Reflection;
using Microsoft.Extensions.Logging;

namespace AskProAI.Architecture.Tests;

/// <summary>
/// Log event ids are a contract (alerts and dashboards filter on them): unique across the product, and each in its
/// assembly's range, so that an id alone tells which part logged.
/// </summary>
public sealed class LogEventIdTests
{
    /// <summary>The range of each assembly; keep in step with docs/architecture.md.</summary>
    public static TheoryData<string, int, int> Ranges => new()
    {
        // project                  first  last
        { "AskProAI.Caching",       1000,  1999 },
        { "AskProAI.Caching.Redis", 2000,  2999 },
        { "AskProAI.Data",          3000,  3999 },
        { "AskProAI.Web",           4000,  4999 },
        { "AskProAI.Cli",           5000,  5999 },
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void EventIds_InTheAssemblysRange(string project, int first, int last)
    {
        var outside = EventIds(SourceProjects.All.Single(p => p.Name == project))
            .Where(e => e.Id < first || e.Id > last)
            .Select(e => $"{e.Id} {e.Method}");

        Assert.Empty(outside);
    }

    [Fact]
    public void EventIds_UniqueAcrossTheProduct()
    {
        var all = SourceProjects.All.SelectMany(p => EventIds(p).Select(e => (e.Id, Where: $"{p.Name} {e.Method}"))).ToList();

        var repeated = all.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}");

        Assert.Empty(repeated);
        // The engine, Redis, Data and Web all log: a reflection that found nothing would pass the checks above.
        Assert.True(all.Count >= 40, $"Only {all.Count} [LoggerMessage] methods found.");
    }

    // The contracts are records without a logger (they reference nothing, Microsoft.Extensions.Logging included): no range.
    [Fact]
    public void Ranges_CoverEverySourceProject() =>
        Assert.Equal(
            SourceProjects.All.Where(p => p != SourceProjects.Contracts).Select(p => p.Name).Order(),
            Ranges.Select(row => (string)row[0]).Order());

    private static IEnumerable<(int Id, string Method)> EventIds(SourceProject project) =>
        from type in project.Assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
        let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
        where attribute is not null
        select (attribute.EventId, $"{type.Name}.{method.Name}");
}
