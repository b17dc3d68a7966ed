using System.Reflection;
using System.Xml.Linq;

namespace AskProAI.Architecture.Tests;

/// <summary>A project under <c>src/</c>: its compiled assembly and what its project file references.</summary>
/// <param name="Name">The project name (= folder = root namespace).</param>
/// <param name="Assembly">The built assembly (the CLI's is <c>askpro</c>).</param>
internal sealed record SourceProject(string Name, Assembly Assembly)
{
    /// <summary>The names of the assemblies the compiled code refers to.</summary>
    public IReadOnlyList<string> ReferencedAssemblies => [.. Assembly.GetReferencedAssemblies().Select(a => a.Name!)];

    /// <summary>The project file's ProjectReference names, PackageReference ids and FrameworkReference names, and its SDK.</summary>
    public IReadOnlyList<string> DeclaredReferences
    {
        get
        {
            var file = Path.Combine(SourceProjects.RepositoryRoot, "src", Name, Name + ".csproj");
            var project = XDocument.Load(file).Root!;
            var declared = new List<string> { (string?)project.Attribute("Sdk") ?? string.Empty };
            foreach (var item in project.Descendants())
            {
                var include = (string?)item.Attribute("Include");
                switch (item.Name.LocalName)
                {
                    case "ProjectReference" when include is not null:
                        declared.Add(Path.GetFileNameWithoutExtension(include.Replace('\\', '/')));
                        break;
                    case "PackageReference" or "FrameworkReference" when include is not null:
                        declared.Add(include);
                        break;
                }
            }

            return declared;
        }
    }

    public override string ToString() => Name;
}

/// <summary>The parts of the product (the five of docs/architecture.md and the admin API's contracts), loaded by assembly name.</summary>
internal static class SourceProjects
{
    // Loaded by name rather than through a type, so that moving a type between files or folders never breaks the rules.
    public static readonly SourceProject Caching = Load("AskProAI.Caching");
    public static readonly SourceProject Redis = Load("AskProAI.Caching.Redis");
    public static readonly SourceProject Data = Load("AskProAI.Data");
    public static readonly SourceProject Web = Load("AskProAI.Web");
    public static readonly SourceProject Cli = Load("AskProAI.Cli", assemblyName: "askpro");
    public static readonly SourceProject Contracts = Load("AskProAI.Contracts");

    public static IReadOnlyList<SourceProject> All { get; } = [Caching, Redis, Data, Web, Cli, Contracts];

    /// <summary>The folder holding <c>AskProAI.slnx</c>, found upwards from the test's output folder.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    private static SourceProject Load(string name, string? assemblyName = null) => new(name, Assembly.Load(assemblyName ?? name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AskProAI.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AskProAI.slnx above {AppContext.BaseDirectory}.");
    }
}
