using System.Diagnostics;
using System.Reflection;
using System.Text;
using Spectre.Console;

namespace AskProAI.Cli.Tests.Infrastructure;

/// <summary>What one run of <c>askpro</c> did.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>askpro</c>: in process over writers and a stub handler, or as a real process.</summary>
internal static class Askpro
{
    private static readonly string DllPath = typeof(Askpro).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AskproDll").Value!;

    /// <summary>Runs in this process; <paramref name="handler"/> answers every request (none is expected when null).</summary>
    public static async Task<CliResult> RunAsync(
        string[] args,
        HttpMessageHandler? handler = null,
        IReadOnlyDictionary<string, string>? variables = null,
        IAnsiConsole? console = null,
        CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        console ??= AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (console.Profile.Out.Writer == output)
        {
            console.Profile.Width = 200;
        }
        var environment = new CliEnvironment
        {
            Out = output,
            Error = error,
            Console = console,
            GetVariable = name => variables is not null && variables.TryGetValue(name, out var value) ? value : null,
            CreateHandler = _ => handler ?? new StubHandler(_ => throw new InvalidOperationException("askpro sent a request where none was expected.")),
            PollInterval = TimeSpan.FromMilliseconds(1),
        };

        var exitCode = await AskProCli.RunAsync(args, environment, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet askpro.dll</c> as a child process with no ASKPRO_* variables inherited.</summary>
    public static async Task<CliResult> RunProcessAsync(params string[] args)
    {
        Assert.True(File.Exists(DllPath), $"The CLI was not built at {DllPath}.");
        // The SDK tells test processes which host runs them; "dotnet" on the PATH otherwise.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ASKPRO_URL");
        start.Environment.Remove("ASKPRO_TOKEN");
        start.Environment["NO_COLOR"] = "1";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"askpro {string.Join(' ', args)} did not finish within 2 minutes.");
        }

        return new CliResult(process.ExitCode, await output, await error);
    }
}
