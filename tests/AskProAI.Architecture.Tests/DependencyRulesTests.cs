namespace AskProAI.Architecture.Tests;

/// <summary>
/// The arrows that must never exist (docs/architecture.md), checked twice per project: in what its compiled code
/// refers to, and in what its project file declares (a reference nobody uses yet is still a door left open).
/// </summary>
public sealed class DependencyRulesTests
{
    // Names and name prefixes: "X" forbids X and X.*, never a name that merely starts with the same letters.
    private static readonly string[] AspNetCore = ["Microsoft.AspNetCore", "Microsoft.NET.Sdk.Web"];
    private static readonly string[] EfCore = ["Microsoft.EntityFrameworkCore", "Npgsql"];
    private static readonly string[] Redis = ["StackExchange.Redis", "AskProAI.Caching.Redis"];
    private static readonly string[] Web = ["AskProAI.Web"];
    private static readonly string[] Cli = ["AskProAI.Cli", "askpro"];
    private static readonly string[] Contracts = ["AskProAI.Contracts"];

    /// <summary>
    /// Who may not know whom; one row per part (the Web is the composition root and may know every part but the CLI).
    /// The admin API's contracts are known only to the two ends of that API, the Web and the CLI.
    /// </summary>
    public static TheoryData<string, string[]> Rules => new()
    {
        { "AskProAI.Caching", [.. AspNetCore, .. EfCore, .. Redis, "AskProAI.Data", .. Web, .. Cli, .. Contracts] },
        { "AskProAI.Caching.Redis", [.. AspNetCore, .. EfCore, "AskProAI.Data", .. Web, .. Cli, .. Contracts] },
        { "AskProAI.Data", [.. Redis, "AskProAI.Caching", .. Web, .. Cli, .. Contracts] },
        { "AskProAI.Web", [.. Cli] },
        // The CLI talks to the service over HTTP only: of the product it knows the admin API's contracts and nothing else.
        { "AskProAI.Cli", [.. AspNetCore, .. EfCore, .. Redis, "AskProAI.Caching", "AskProAI.Data", .. Web] },
        // The contracts are plain records: no part of the product, no package (see also Contracts_ReferenceNothing).
        { "AskProAI.Contracts", [.. AspNetCore, .. EfCore, .. Redis, "AskProAI.Caching", "AskProAI.Data", .. Web, .. Cli] },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void CompiledReferences_NoForbiddenPart(string project, string[] forbidden)
    {
        var part = SourceProjects.All.Single(p => p.Name == project);

        Assert.Empty(Violations(part.ReferencedAssemblies, forbidden));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void ProjectFile_NoForbiddenReference(string project, string[] forbidden)
    {
        var part = SourceProjects.All.Single(p => p.Name == project);

        Assert.Empty(Violations(part.DeclaredReferences, forbidden));
    }

    [Fact]
    public void Cli_KnowsOfTheProductOnlyTheContracts()
    {
        Assert.Equal(["AskProAI.Contracts"], SourceProjects.Cli.ReferencedAssemblies.Where(IsProductPart).Order());
        Assert.Equal(["AskProAI.Contracts"], SourceProjects.Cli.DeclaredReferences.Where(IsProductPart).Order());
    }

    [Fact]
    public void Contracts_ReferenceNothing()
    {
        // Only the SDK in the project file; in the compiled code only the runtime (System.*, netstandard).
        Assert.Equal(["Microsoft.NET.Sdk"], SourceProjects.Contracts.DeclaredReferences);
        Assert.DoesNotContain(
            SourceProjects.Contracts.ReferencedAssemblies, r => r is not ("netstandard" or "System") && !r.StartsWith("System.", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_CoverEverySourceProject()
    {
        var projects = Directory.GetDirectories(Path.Combine(SourceProjects.RepositoryRoot, "src")).Select(Path.GetFileName).Order();
        var ruled = Rules.Select(row => (string)row[0]).Order();

        Assert.Equal(projects, ruled);
    }

    [Fact]
    public void Rules_CatchAForbiddenReference()
    {
        // The Web does reference the Redis layer, EF Core and ASP.NET Core: held to the engine's rule it must fail,
        // which shows that the checks above can fail at all.
        var engineRule = (string[])Rules.Single(row => (string)row[0] == "AskProAI.Caching")[1];

        var compiled = Violations(SourceProjects.Web.ReferencedAssemblies, engineRule);
        var declared = Violations(SourceProjects.Web.DeclaredReferences, engineRule);

        Assert.Contains("AskProAI.Caching.Redis", compiled);
        Assert.Contains("Microsoft.EntityFrameworkCore", compiled);
        Assert.Contains("Microsoft.NET.Sdk.Web", declared);
        Assert.Contains("AskProAI.Caching.Redis", declared);
    }

    private static bool IsProductPart(string reference) => reference == "askpro" || reference.StartsWith("AskProAI.", StringComparison.Ordinal);

    private static string[] Violations(IEnumerable<string> references, string[] forbidden) =>
        [.. references.Where(r => forbidden.Any(f => r == f || r.StartsWith(f + ".", StringComparison.Ordinal)))];
}
