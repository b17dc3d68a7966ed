using System.CommandLine;
using AskProAI.Contracts;

namespace AskProAI.Cli.Commands;

/// <summary><c>cache:manage invalidate [--tag=TAG] [--company=ID]</c>: invalidates by cache tag.</summary>
internal static class InvalidateCommand
{
    public static Command Create(CliOptions options, CliEnvironment environment)
    {
        var tag = new Option<string?>("--tag")
        {
            Description = "The data tag to invalidate, e.g. live_data or statistics (the service's default when left out)",
            HelpName = "TAG",
        };
        tag.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl))
            {
                result.AddError("--tag must not be empty.");
            }
        });
        var company = CliOptions.Company("Invalidate only this company's entries (all companies when left out)");
        var command = new Command("invalidate", "Invalidate cached widget values by tag, for one company or all") { tag, company };

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            parseResult,
            options,
            environment,
            async (api, ct) =>
            {
                var answer = await api.InvalidateAsync(new InvalidateRequest(parseResult.GetValue(tag), parseResult.GetValue(company)), ct);
                await environment.Out.WriteLineAsync($"Invalidated {answer.Scope ?? "the cache"} ({CommandRunner.DescribeTags(answer.Tags)}).");
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }
}
