using System.CommandLine;
using System.CommandLine.Parsing;
using AskProAI.Cli.Commands;

namespace AskProAI.Cli;

/// <summary>The command tree of <c>askpro</c> and its one rule about exit codes: a bad command line exits with 2.</summary>
internal static class AskProCli
{
    /// <summary>Builds the command tree over <paramref name="environment"/>.</summary>
    public static RootCommand BuildRoot(CliEnvironment environment)
    {
        var options = new CliOptions();
        return new RootCommand("askpro: manage the dashboard cache of a running AskProAI service through its admin API")
        {
            options.Url,
            options.Token,
            options.Timeout,
            CacheManageCommand.Create(options, environment),
        };
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRoot(environment).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await environment.Error.WriteLineAsync(error.Message);
            }

            var names = new List<string>();
            for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
            {
                names.Insert(0, command.Command is RootCommand ? "askpro" : command.Command.Name);
            }

            var path = string.Join(' ', names);
            await environment.Error.WriteLineAsync($"Run '{path} --help' for usage.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }
}
