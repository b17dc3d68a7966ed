namespace AskProAI.Cli;

/// <summary>A failure to report to the user in one sentence, with the exit code that classifies it.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>Gets the process exit code, one of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;
}
