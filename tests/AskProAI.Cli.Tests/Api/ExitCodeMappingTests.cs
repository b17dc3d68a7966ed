using System.Net;
using System.Net.Sockets;
using AskProAI.Cli.Tests.Infrastructure;

namespace AskProAI.Cli.Tests.Api;

/// <summary>Every way the service can fail maps to its own exit code and a message that says what to do.</summary>
public sealed class ExitCodeMappingTests
{
    private const string Secret = "s3cret-token-value";

    private static Task<CliResult> ClearAsync(HttpMessageHandler handler) =>
        Askpro.RunAsync(["cache:manage", "clear", "--widget=recent_calls", "--company=3", "--url=http://127.0.0.1:5999", "--token=" + Secret], handler);

    [Fact]
    public async Task ConnectionRefused_Exit3_SaysWhereAndWhatToSet()
    {
        var handler = new StubHandler(_ => throw new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:5999)", new SocketException((int)SocketError.ConnectionRefused)));

        var result = await ClearAsync(handler);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            "Cannot reach the AskProAI service at http://127.0.0.1:5999: connection refused. Is it running? Set --url or ASKPRO_URL.",
            result.Error.Trim());
    }

    [Fact]
    public async Task HostNotFound_Exit3()
    {
        var handler = new StubHandler(_ => throw new HttpRequestException(
            HttpRequestError.NameResolutionError, "Name or service not known", new SocketException((int)SocketError.HostNotFound)));

        var result = await ClearAsync(handler);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(": host not found. Is it running?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoAnswerInTime_Exit3_NamesTheTimeout()
    {
        var handler = new StubHandler(_ => throw new TaskCanceledException("timed out", new TimeoutException()));

        var result = await ClearAsync(handler);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("no answer within 30 s (--timeout)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SilentServer_Exit3_AfterTheTimeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var accept = listener.AcceptTcpClientAsync();

        var result = await Askpro.RunAsync(
            ["cache:manage", "stats", "--url", url, "--token", Secret, "--timeout=0.5"], CliEnvironment.CreateSocketsHandler(TimeSpan.FromSeconds(0.5)));

        (await accept).Dispose();
        Assert.Equal(3, result.ExitCode);
        Assert.Equal(
            $"Cannot reach the AskProAI service at {url}: no answer within 0.5 s (--timeout). Is it running? Set --url or ASKPRO_URL.",
            result.Error.Trim());
    }

    [Fact]
    public async Task Interrupted_Exit130()
    {
        using var interrupt = new CancellationTokenSource();
        var handler = new StubHandler(_ =>
        {
            interrupt.Cancel();
            throw new TaskCanceledException();
        });

        var result = await Askpro.RunAsync(["cache:manage", "stats", "--token", Secret], handler, cancellationToken: interrupt.Token);

        Assert.Equal(130, result.ExitCode);
        Assert.Equal("Cancelled.", result.Error.Trim());
    }

    [Fact]
    public async Task Unauthorized_Exit4_Says401()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.Unauthorized, string.Empty));

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("rejected the token (401 Unauthorized)", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forbidden_Exit4_Says403AndNotAnAdmin()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.Forbidden, """{"title":"Forbidden","status":403}"""));

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("(403 Forbidden)", result.Error, StringComparison.Ordinal);
        Assert.Contains("not a SuperAdmin", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownWidget_Exit5_ListsValidWidgets()
    {
        var problem = """
            {"title":"Unknown widget","status":404,"detail":"There is no widget 'recent_calls'.",
             "widgets":["dashboard_stats","live_calls","stats_overview"]}
            """;

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.NotFound, problem));

        Assert.Equal(5, result.ExitCode);
        Assert.Equal(
            "Unknown widget: There is no widget 'recent_calls'. Valid widgets: dashboard_stats, live_calls, stats_overview.",
            result.Error.Trim());
    }

    [Fact]
    public async Task UnknownWidget_DetailAlreadyListsThem_NotRepeated()
    {
        var problem = """
            {"title":"Unknown widget","status":404,"detail":"No widget has this name. Known widgets: live_calls, stats_overview.",
             "widgets":["live_calls","stats_overview"]}
            """;

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.NotFound, problem));

        Assert.Equal(5, result.ExitCode);
        Assert.Equal("Unknown widget: No widget has this name. Known widgets: live_calls, stats_overview.", result.Error.Trim());
    }

    [Fact]
    public async Task UnknownCompany_Exit5_ShowsDetail()
    {
        var problem = """{"title":"Not Found","status":404,"detail":"Company 3 does not exist."}""";

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.NotFound, problem));

        Assert.Equal(5, result.ExitCode);
        Assert.Equal("Company 3 does not exist.", result.Error.Trim());
    }

    [Fact]
    public async Task NotFoundWithoutProblem_Exit5_AsksWhetherTheApiExists()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.NotFound, string.Empty));

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("POST /api/admin/cache/clear", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequest_Exit6_ShowsServerDetail()
    {
        var problem = """{"title":"Bad Request","status":400,"detail":"Unknown tag 'x'; valid tags: live_data, statistics, heavy."}""";

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.BadRequest, problem));

        Assert.Equal(6, result.ExitCode);
        Assert.Equal(
            "The service refused the request (400 Bad Request): Unknown tag 'x'; valid tags: live_data, statistics, heavy.",
            result.Error.Trim());
    }

    [Fact]
    public async Task ValidationProblem_Exit6_ShowsFieldErrors()
    {
        var problem = """{"title":"One or more validation errors occurred.","status":400,"errors":{"company":["Must be positive."]}}""";

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.BadRequest, problem));

        Assert.Equal(6, result.ExitCode);
        Assert.Contains("One or more validation errors occurred. Must be positive.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerError_Exit7()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.InternalServerError, """{"title":"An error occurred while processing your request."}"""));

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("The service failed (500 Internal Server Error): An error occurred", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServiceUnavailable_Exit7()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.ServiceUnavailable, "<html>busy</html>"));

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("(503 Service Unavailable)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuccessWithoutJson_Exit7()
    {
        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.OK, "<html>login</html>"));

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("not the admin API's JSON", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerText_ControlCharactersRemoved()
    {
        var problem = """{"title":"Bad","detail":"evil\u001b[31mred"}""";

        var result = await ClearAsync(StubHandler.Json(HttpStatusCode.BadRequest, problem));

        Assert.Equal(6, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.Error);
    }

    [Fact]
    public async Task Token_SentAsBearer()
    {
        var handler = StubHandler.Json(HttpStatusCode.OK, """{"tags":[],"scope":"everything"}""");

        var result = await ClearAsync(handler);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Bearer " + Secret, Assert.Single(handler.Requests).Authorization);
        Assert.DoesNotContain(Secret, result.Out + result.Error, StringComparison.Ordinal);
    }
}
