using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using AskProAI.Contracts;

namespace AskProAI.Cli.Commands;

/// <summary><c>cache:manage mode --mode=Optimized|Legacy|Disabled [--percent=N] [--widget=NAME]</c>: the rollout switch.</summary>
internal static class ModeCommand
{
    private static readonly string[] Modes = ["Optimized", "Legacy", "Disabled"];

    public static Command Create(CliOptions options, CliEnvironment environment)
    {
        var mode = new Option<string>("--mode")
        {
            Description = "The caching mode: Optimized (the new cache), Legacy (the old fixed-TTL cache) or Disabled",
            HelpName = "Optimized|Legacy|Disabled",
            Required = true,
            CustomParser = ParseMode,
        };
        var percent = new Option<int?>("--percent")
        {
            Description = "With Optimized, the share of companies, 0 to 100, that get it (the rest Legacy) [service default: 100]",
            HelpName = "N",
            CustomParser = ParsePercent,
        };
        var widget = CliOptions.Widget("Switch only this widget (all widgets when left out)");
        var command = new Command("mode", "Switch the caching mode of one widget or all (the rollout switch)") { mode, percent, widget };

        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(
            parseResult,
            options,
            environment,
            async (api, ct) =>
            {
                var request = new ModeRequest(parseResult.GetValue(mode)!, parseResult.GetValue(percent), parseResult.GetValue(widget));
                var answer = await api.SetModeAsync(request, ct);
                var newMode = answer.Mode ?? request.Mode;
                var share = answer.Percent is { } p and < 100
                    ? $" for {p.ToString(CultureInfo.InvariantCulture)} % of companies{(newMode == "Optimized" ? " (the rest Legacy)" : string.Empty)}"
                    : string.Empty;
                var widgets = answer.Widgets is { Count: > 0 } names
                    ? (names.Count == 1 ? "widget " : "widgets ") + string.Join(", ", names)
                    : "all widgets";
                await environment.Out.WriteLineAsync($"Set mode {newMode}{share} on {widgets}.");
                return ExitCodes.Success;
            },
            cancellationToken));
        return command;
    }

    private static string? ParseMode(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        var match = Modes.FirstOrDefault(m => string.Equals(m, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            result.AddError($"--mode must be one of {string.Join(", ", Modes)}, got '{text}'.");
        }

        return match;
    }

    private static int? ParsePercent(ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? string.Empty : result.Tokens[0].Value;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 100)
        {
            result.AddError($"--percent must be a whole number from 0 to 100, got '{text}'.");
            return null;
        }

        return value;
    }
}
