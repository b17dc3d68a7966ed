using System.Text.Json;

namespace AskProAI.Architecture.Tests;

/// <summary>
/// The service's runtime settings that decisions depend on, read from what the build produced for it (its
/// <c>runtimeconfig.json</c>), not from the project file alone.
/// </summary>
public sealed class RuntimeSettingsTests
{
    /// <summary>
    /// ADR 0029: the service runs without dynamic PGO; with it, the JIT recompiled hot methods twice more in the
    /// background for minutes after a start and took 1.35-3.5x the CPU per call event (measured).
    /// </summary>
    [Fact]
    public void Service_RunsWithoutDynamicPgo()
    {
        Assert.Equal(JsonValueKind.False, Setting("AskProAI.Web", "System.Runtime.TieredPGO"));
    }

    /// <summary>ADR 0029: tiered compilation stays on; without it the hit path served about 40 % fewer requests (wrk).</summary>
    [Fact]
    public void Service_KeepsTieredCompilation()
    {
        Assert.NotEqual(JsonValueKind.False, Setting("AskProAI.Web", "System.Runtime.TieredCompilation"));
    }

    /// <summary>A setting of the project's built runtimeconfig.json; <see cref="JsonValueKind.Undefined"/> when it is not set.</summary>
    private static JsonValueKind Setting(string assemblyName, string name) =>
        RuntimeOptions(assemblyName).TryGetProperty("configProperties", out var properties) && properties.TryGetProperty(name, out var value)
            ? value.ValueKind
            : JsonValueKind.Undefined;

    private static JsonElement RuntimeOptions(string assemblyName)
    {
        // The referenced projects' runtimeconfig.json files are not copied next to the tests: read the one their own build
        // wrote, in the same configuration as this test assembly (bin/<configuration>/<framework>/).
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = here.Name;
        var configuration = here.Parent!.Name;
        var file = Path.Combine(SourceProjects.RepositoryRoot, "src", assemblyName, "bin", configuration, framework, assemblyName + ".runtimeconfig.json");
        Assert.True(File.Exists(file), $"{file} is missing: build src/{assemblyName} in {configuration} first");
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        return document.RootElement.GetProperty("runtimeOptions").Clone();
    }
}
