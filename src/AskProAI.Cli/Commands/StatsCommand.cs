using System.CommandLine;
using AskProAI.Cli.Rendering;

namespace AskProAI.Cli.Commands;

/// <summary><c>cache:manage stats [--json]</c>: hit ratios, counters, queue and the slowest computations.</summary>
internal static class StatsCommand
{
    public static Command Create(CliOptions options, CliEnvironment environment)
    {
        var json = new Option<bool>("--json") { Description = "Print the service's JSON as it is instead of tables" };
        var command = new Command("stats", "Show cache statistics: per widget, per tier, totals, queue, the slowest computations") { json };

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            parseResult,
            options,
            environment,
            async (api, ct) =>
            {
                if (parseResult.GetValue(json))
                {
                    await environment.Out.WriteLineAsync(await api.GetStatsJsonAsync(ct));
                    return ExitCodes.Success;
                }

                StatsView.Render(environment.Console, await api.GetStatsAsync(ct));
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}
