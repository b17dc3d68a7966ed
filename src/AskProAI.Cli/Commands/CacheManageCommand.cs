using System.CommandLine;

namespace AskProAI.Cli.Commands;

/// <summary><c>cache:manage</c>: the group named like the Laravel console command it replaces.</summary>
internal static class CacheManageCommand
{
    /// <summary>The group's name.</summary>
    public const string Name = "cache:manage";

    public static Command Create(CliOptions options, CliEnvironment environment) =>
        new(Name, "Manage the dashboard widget cache of a running AskProAI service")
        {
            ClearCommand.Create(options, environment),
            WarmCommand.Create(options, environment),
            StatsCommand.Create(options, environment),
            InvalidateCommand.Create(options, environment),
            ModeCommand.Create(options, environment),
        };
}
