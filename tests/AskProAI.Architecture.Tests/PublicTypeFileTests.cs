using System.Text.RegularExpressions;

namespace AskProAI.Architecture.Tests;

/// <summary>
/// One public type per file, named after it (house style, habit 14): a public type of the engine is found by its name
/// alone, in whichever concept folder (<c>Backplane/</c>, <c>Locking/</c>, <c>Serialization/</c>, ...) it sits; so is
/// each of the admin API's contracts.
/// </summary>
public sealed partial class PublicTypeFileTests
{
    /// <summary>The projects held to the rule, with how many source files each has at least (a search that found none would pass).</summary>
    public static TheoryData<string, int> Projects => new()
    {
        { "AskProAI.Caching", 30 },
        { "AskProAI.Contracts", 15 },
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void SourceFiles_AtMostOnePublicTypeNamedAsTheFile(string project, int atLeast)
    {
        var folder = Folder(project);
        var sources = Sources(project).ToList();

        var violations = sources.SelectMany(file => Violations(Path.GetRelativePath(folder, file), File.ReadAllText(file)));

        Assert.Empty(violations);
        Assert.True(sources.Count >= atLeast, $"Only {sources.Count} source files found under {folder}.");
    }

    [Theory]
    [InlineData("AskProAI.Caching")]
    [InlineData("AskProAI.Contracts")]
    public void CompiledPublicTypes_EachDeclaredInAFileOfItsName(string project)
    {
        // The compiled side: a public type the source check cannot see (a declaration it does not parse) still needs its file.
        var declaredIn = Sources(project)
            .SelectMany(file => PublicTypesIn(File.ReadAllText(file)).Select(type => (Type: type, File: Path.GetFileNameWithoutExtension(file))))
            .ToLookup(d => d.Type, d => d.File);

        var homeless = SourceProjects.All.Single(p => p.Name == project).Assembly.GetExportedTypes()
            .Where(type => !type.IsNested)
            .Select(type => type.Name.Split('`')[0])
            .Where(name => !declaredIn[name].Any(file => NamesType(file, name)))
            .Order();

        Assert.Empty(homeless);
    }

    [Fact]
    public void Violations_CatchASecondPublicTypeAndAMisnamedFile()
    {
        const string Source = """
            namespace AskProAI.Caching;

            /// <summary>public class InAComment</summary>
            public interface ICacheBackplane
            {
                public sealed class Nested;
            }

            public interface IDistributedWidgetLock;

            internal sealed class Helper;
            """;

        Assert.Equal(2, Violations("Backplane/ICacheBackplane.cs", Source).Count());
        Assert.Equal(["ICacheBackplane", "IDistributedWidgetLock"], PublicTypesIn(Source));
        Assert.Empty(Violations("WidgetCache.Tags.cs", "public sealed partial class WidgetCache;"));
        Assert.Single(Violations("CacheResult.cs", "public readonly record struct CacheOutcome(int Value);"));
        Assert.Empty(Violations("CacheResult.cs", "public readonly record struct CacheResult<T>(T Value);"));
    }

    private static IEnumerable<string> Violations(string file, string text)
    {
        var types = PublicTypesIn(text);
        if (types.Count > 1)
        {
            yield return $"{file}: {types.Count} public types ({string.Join(", ", types)})";
        }

        foreach (var type in types.Where(type => !NamesType(Path.GetFileNameWithoutExtension(file), type)))
        {
            yield return $"{file}: public type {type} in a file named otherwise";
        }
    }

    /// <summary>Whether a file name (without .cs) is the type's: <c>WidgetKey</c>, or a partial file <c>WidgetCache.Tags</c>.</summary>
    private static bool NamesType(string fileName, string type) =>
        fileName == type || fileName.StartsWith(type + ".", StringComparison.Ordinal);

    /// <summary>The top-level public types a file declares (file-scoped namespaces put them at the start of a line).</summary>
    private static List<string> PublicTypesIn(string text) =>
        [.. TopLevelPublicType().Matches(text).Select(match => match.Groups["name"].Value)];

    private static string Folder(string project) => Path.Combine(SourceProjects.RepositoryRoot, "src", project);

    private static IEnumerable<string> Sources(string project) =>
        Directory.EnumerateFiles(Folder(project), "*.cs", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(Folder(project), file).Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    [GeneratedRegex(
        @"^public\s+(?:(?:static|sealed|abstract|partial|readonly|ref|unsafe)\s+)*(?:record\s+(?:struct\s+|class\s+)?|class\s+|struct\s+|interface\s+|enum\s+|delegate\s+\S+\s+)(?<name>\w+)",
        RegexOptions.Multiline)]
    private static partial Regex TopLevelPublicType();
}
