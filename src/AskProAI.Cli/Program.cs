namespace AskProAI.Cli;

/// <summary>The <c>askpro</c> entry point: the real console, environment and network.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => AskProCli.RunAsync(args, CliEnvironment.FromProcess());
}
