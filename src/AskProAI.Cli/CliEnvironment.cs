using System.Net;
using Spectre.Console;

namespace AskProAI.Cli;

/// <summary>
/// Everything <c>askpro</c> touches outside itself: the output streams, environment variables, the network and the
/// clock. The process uses <see cref="FromProcess"/>; tests pass writers, a dictionary and a stub handler.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Gets the writer for results (standard output).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Gets the writer for errors and notes (standard error).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Gets the console for tables and the progress bar; it writes to the same stream as <see cref="Out"/>.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Gets the environment variable lookup.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Gets the factory of the HTTP handler; each command creates and disposes one.</summary>
    public required Func<TimeSpan, HttpMessageHandler> CreateHandler { get; init; }

    /// <summary>Gets the clock used to wait between job polls.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Gets the pause between two polls of a warm job.</summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The real process: standard streams, environment variables, sockets.</summary>
    public static CliEnvironment FromProcess()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected)
        {
            // A pipe has no width; Spectre would assume 80 columns and wrap the widget names inside the tables.
            console.Profile.Width = 200;
        }

        return new CliEnvironment
        {
            Out = System.Console.Out,
            Error = System.Console.Error,
            Console = console,
            GetVariable = Environment.GetEnvironmentVariable,
            CreateHandler = CreateSocketsHandler,
        };
    }

    /// <summary>A handler that never follows redirects (it would drop the token, and the API never redirects) nor keeps cookies.</summary>
    public static HttpMessageHandler CreateSocketsHandler(TimeSpan timeout) => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = timeout,
        AutomaticDecompression = DecompressionMethods.All,
    };
}
