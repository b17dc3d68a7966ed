using System.Net;
using AskProAI.Cli.Tests.Infrastructure;

namespace AskProAI.Cli.Tests.Commands;

/// <summary>Parsing and local validation: a bad command line exits with 2 and says why, before any request.</summary>
public sealed class CommandLineTests
{
    private const string Token = "--token=unit-test-token";

    private const string Cleared = """{"action":"clear","tags":["widget:recent_calls:3"],"scope":"widget recent_calls of company 3","companies":1,"widgets":1}""";

    [Theory]
    [InlineData("--widget must be a widget name", "cache:manage", "clear", "--widget=Recent-Calls")]
    [InlineData("--widget must be a widget name", "cache:manage", "clear", "--widget", "recent calls")]
    [InlineData("Required argument missing for option: '--widget'", "cache:manage", "clear", "--widget=")]
    [InlineData("--company must be a positive integer", "cache:manage", "clear", "--company=0")]
    [InlineData("--company must be a positive integer", "cache:manage", "clear", "--company=-5")]
    [InlineData("--company must be a positive integer", "cache:manage", "clear", "--company", "abc")]
    [InlineData("--company must be a positive integer", "cache:manage", "invalidate", "--company=99999999999")]
    [InlineData("warm needs exactly one of --all or --company=ID", "cache:manage", "warm")]
    [InlineData("warm needs exactly one of --all or --company=ID", "cache:manage", "warm", "--all", "--company=3")]
    [InlineData("Required argument missing for option: '--tag'", "cache:manage", "invalidate", "--tag=")]
    [InlineData("--tag must not be empty", "cache:manage", "invalidate", "--tag", " ")]
    [InlineData("--mode must be one of Optimized, Legacy, Disabled", "cache:manage", "mode", "--mode=Fast")]
    [InlineData("--percent must be a whole number from 0 to 100", "cache:manage", "mode", "--mode=Legacy", "--percent=101")]
    [InlineData("--timeout must be a number of seconds", "cache:manage", "stats", "--timeout=0")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "cache:manage", "frobnicate")]
    [InlineData("Unrecognized command or argument '--force'", "cache:manage", "clear", "--force")]
    [InlineData("Required command was not provided", "cache:manage")]
    [InlineData("Required command was not provided")]
    [InlineData("--url must be an absolute http:// or https:// address", "cache:manage", "stats", "--url=ftp://example.test")]
    [InlineData("--url must be an absolute http:// or https:// address", "cache:manage", "stats", "--url=localhost")]
    [InlineData("--url must not contain credentials", "cache:manage", "stats", "--url=http://user:secret@localhost:5080")]
    public async Task BadCommandLine_Exit2WithReason_NoRequest(string reason, params string[] args)
    {
        var handler = new StubHandler(_ => throw new InvalidOperationException("no request expected"));

        var result = await Askpro.RunAsync([.. args, Token], handler);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task BadCommandLine_PointsAtTheCommandsHelp()
    {
        var result = await Askpro.RunAsync(["cache:manage", "warm", Token]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Run 'askpro cache:manage warm --help' for usage.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Exit0_ListsTheVerbs()
    {
        var result = await Askpro.RunAsync(["cache:manage", "--help"]);

        Assert.Equal(0, result.ExitCode);
        foreach (var verb in new[] { "clear", "warm", "stats", "invalidate", "mode" })
        {
            Assert.Contains(verb, result.Out, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_Timeout_DefaultInSeconds()
    {
        var result = await Askpro.RunAsync(["cache:manage", "stats", "--help"]);

        Assert.Equal(0, result.ExitCode);
        var line = result.Out.Split('\n').Single(l => l.Contains("--timeout", StringComparison.Ordinal));
        Assert.Contains("[default: 30]", line, StringComparison.Ordinal);
        Assert.DoesNotContain("00:00:30", result.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--widget=recent_calls", "--company=3")]
    [InlineData("--widget", "recent_calls", "--company", "3")]
    [InlineData("--company:3", "--widget:recent_calls")]
    public async Task Clear_EitherOptionSyntax_SameRequest(params string[] options)
    {
        var handler = StubHandler.Json(HttpStatusCode.OK, Cleared);

        var result = await Askpro.RunAsync(["cache:manage", "clear", .. options, Token], handler);

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("/api/admin/cache/clear", request.Path);
        Assert.Equal("""{"widget":"recent_calls","company":3}""", request.Body);
    }

    [Fact]
    public async Task NoToken_Exit4_NoRequest()
    {
        var handler = new StubHandler(_ => throw new InvalidOperationException("no request expected"));

        var result = await Askpro.RunAsync(["cache:manage", "stats"], handler);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("No token given: set --token or ASKPRO_TOKEN", result.Error, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task EnvironmentVariables_UsedWhenNoOptions()
    {
        var variables = new Dictionary<string, string> { ["ASKPRO_URL"] = "http://askpro.example.test:8080/prefix", ["ASKPRO_TOKEN"] = "env-token" };
        Uri? sentTo = null;
        var recording = new StubHandler(request =>
        {
            sentTo = request.RequestUri;
            return StubHandler.Response(HttpStatusCode.OK, Cleared);
        });

        var result = await Askpro.RunAsync(["cache:manage", "clear"], recording, variables);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(new Uri("http://askpro.example.test:8080/prefix/api/admin/cache/clear"), sentTo);
        Assert.Equal("Bearer env-token", Assert.Single(recording.Requests).Authorization);
        Assert.Equal("{}", recording.Requests[0].Body);
    }

    [Fact]
    public async Task Options_WinOverEnvironmentVariables()
    {
        Uri? sentTo = null;
        var handler = new StubHandler(request =>
        {
            sentTo = request.RequestUri;
            return StubHandler.Response(HttpStatusCode.OK, Cleared);
        });
        var variables = new Dictionary<string, string> { ["ASKPRO_URL"] = "http://env.example.test", ["ASKPRO_TOKEN"] = "env-token" };

        var result = await Askpro.RunAsync(
            ["--url", "http://option.example.test:9000", "cache:manage", "clear", "--token", "option-token"], handler, variables);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("option.example.test", sentTo!.Host);
        Assert.Equal(9000, sentTo.Port);
        Assert.Equal("Bearer option-token", Assert.Single(handler.Requests).Authorization);
    }

    [Fact]
    public async Task DefaultUrl_IsLocalhost5080()
    {
        Uri? sentTo = null;
        var handler = new StubHandler(request =>
        {
            sentTo = request.RequestUri;
            return StubHandler.Response(HttpStatusCode.OK, Cleared);
        });

        var result = await Askpro.RunAsync(["cache:manage", "clear", Token], handler);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(new Uri("http://localhost:5080/api/admin/cache/clear"), sentTo);
    }
}
