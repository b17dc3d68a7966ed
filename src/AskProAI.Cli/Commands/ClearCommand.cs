using System.CommandLine;
using AskProAI.Contracts;

namespace AskProAI.Cli.Commands;

/// <summary><c>cache:manage clear [--widget=NAME] [--company=ID]</c>: removes cached widget values.</summary>
internal static class ClearCommand
{
    public static Command Create(CliOptions options, CliEnvironment environment)
    {
        var widget = CliOptions.Widget("Clear only this widget (all widgets when left out)");
        var company = CliOptions.Company("Clear only this company (all companies when left out)");
        var command = new Command("clear", "Remove cached widget values: one widget, one company, both, or everything") { widget, company };

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            parseResult,
            options,
            environment,
            async (api, ct) =>
            {
                var answer = await api.ClearAsync(new ClearRequest(parseResult.GetValue(widget), parseResult.GetValue(company)), ct);
                await environment.Out.WriteLineAsync($"Cleared {answer.Scope ?? "the cache"} ({CommandRunner.DescribeTags(answer.Tags)}).");
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}
