using System.CommandLine;
using AskProAI.Cli.Api;

namespace AskProAI.Cli;

/// <summary>Runs one command's body against the admin API and turns every failure into a message and an exit code.</summary>
internal static class CommandRunner
{
    /// <summary>Resolves the connection, runs <paramref name="body"/>, reports failures on standard error.</summary>
    public static async Task<int> RunAsync(
        ParseResult parseResult,
        CliOptions options,
        CliEnvironment environment,
        Func<AdminApiClient, CancellationToken, Task<int>> body,
        CancellationToken cancellationToken)
    {
        try
        {
            var connection = ServiceConnection.Resolve(
                parseResult.GetValue(options.Url),
                parseResult.GetValue(options.Token),
                TimeSpan.FromSeconds(parseResult.GetValue(options.Timeout)),
                environment.GetVariable);
            using var api = new AdminApiClient(connection, environment.CreateHandler(connection.Timeout));
            return await body(api, cancellationToken);
        }
        catch (CliException e)
        {
            await environment.Error.WriteLineAsync(e.Message);
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            await environment.Error.WriteLineAsync($"askpro failed unexpectedly: {e.GetType().Name}: {e.Message}");
            return ExitCodes.Unexpected;
        }
    }

    /// <summary>"tag a" or "tags a, b and 3 more", for a one-line summary.</summary>
    public static string DescribeTags(IReadOnlyList<string> tags)
    {
        const int Shown = 5;
        return tags.Count switch
        {
            0 => "no tags",
            1 => "tag " + tags[0],
            <= Shown => "tags " + string.Join(", ", tags),
            _ => $"tags {string.Join(", ", tags.Take(Shown))} and {tags.Count - Shown} more",
        };
    }
}
