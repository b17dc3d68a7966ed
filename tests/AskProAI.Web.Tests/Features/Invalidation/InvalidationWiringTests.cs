using AskProAI.Web.Features.Invalidation;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>The invalidation types take what they need by constructor: no service locator hides a dependency cycle.</summary>
public sealed class InvalidationWiringTests
{
    [Fact]
    public void InvalidationTypes_NoServiceProviderParameter()
    {
        var types = typeof(ChangeJournal).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ChangeJournal).Namespace && t is { IsClass: true, IsAbstract: false })
            .ToList();

        var locators = types
            .Where(t => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IServiceProvider))))
            .Select(t => t.Name);

        Assert.Contains(typeof(ChangeJournal), types);
        Assert.Empty(locators);
    }
}
