using System.Net;
using System.Text.Json;
using AskProAI.Cli.Tests.Infrastructure;
using Spectre.Console.Testing;

namespace AskProAI.Cli.Tests.Commands;

/// <summary>Each command says what it did, from the service's answer (a stub here; the process tests use the real service).</summary>
public sealed class CommandOutputTests
{
    private static readonly string[] Connection = ["--url=http://askpro.example.test", "--token=unit-test-token"];

    [Fact]
    public async Task Clear_PrintsScopeAndTag()
    {
        var result = await Askpro.RunAsync(
            ["cache:manage", "clear", "--widget=recent_calls", "--company=3", .. Connection], StubHandler.Json(HttpStatusCode.OK, Samples.Cleared));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Cleared widget recent_calls of company 3 (tag widget:recent_calls:3).", result.Out.Trim());
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Clear_ManyTags_ShowsFirstFiveAndCount()
    {
        var tags = string.Join(",", Enumerable.Range(1, 20).Select(i => $"\"company_data:{i}\""));
        var answer = $$"""{"action":"clear","tags":[{{tags}}],"scope":"all companies","companies":20,"widgets":4}""";

        var result = await Askpro.RunAsync(["cache:manage", "clear", .. Connection], StubHandler.Json(HttpStatusCode.OK, answer));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
            "Cleared all companies (tags company_data:1, company_data:2, company_data:3, company_data:4, company_data:5 and 15 more).",
            result.Out.Trim());
    }

    [Fact]
    public async Task Invalidate_SendsTagAndCompany_PrintsWhatWasInvalidated()
    {
        var handler = StubHandler.Json(HttpStatusCode.OK, Samples.Invalidated);

        var result = await Askpro.RunAsync(["cache:manage", "invalidate", "--tag=live_data", "--company=3", .. Connection], handler);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"tag":"live_data","company":3}""", Assert.Single(handler.Requests).Body);
        Assert.Equal("Invalidated live_data of company 3 (tag company_data:3:live_data).", result.Out.Trim());
    }

    [Fact]
    public async Task Warm_PollsUntilCompleted_PrintsSummary()
    {
        var polls = new Queue<string>([Samples.Job("queued", 0), Samples.Job("running", 2), Samples.Job("completed", 4)]);
        var handler = new StubHandler(request => request.RequestUri!.AbsolutePath switch
        {
            "/api/admin/cache/warm" => StubHandler.Response(HttpStatusCode.Accepted, Samples.WarmStarted),
            "/api/admin/cache/jobs/job-42" => StubHandler.Response(HttpStatusCode.OK, polls.Dequeue()),
            _ => StubHandler.Response(HttpStatusCode.NotFound, string.Empty),
        });

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--company=3", .. Connection], handler);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"company":3}""", handler.Requests[0].Body);
        Assert.Equal(4, handler.Requests.Count);
        Assert.Equal(
            ["Warming company 3: 0/4 (queued)", "Warming company 3: 2/4 (running)", "Warming company 3: 4/4 (completed)"],
            result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("Warmed 4 widget values for company 3 (job job-42) in ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warm_InteractiveConsole_DrawsProgressBar()
    {
        var polls = new Queue<string>([Samples.Job("running", 1), Samples.Job("completed", 4)]);
        var handler = new StubHandler(request => request.Method == HttpMethod.Post
            ? StubHandler.Response(HttpStatusCode.Accepted, Samples.WarmStarted)
            : StubHandler.Response(HttpStatusCode.OK, polls.Dequeue()));
        var console = new TestConsole().Interactive().Width(120);

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--company=3", .. Connection], handler, console: console);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Warming company 3", console.Output, StringComparison.Ordinal);
        Assert.Contains("100%", console.Output, StringComparison.Ordinal);
        Assert.Contains("Warmed 4 widget values for company 3 (job job-42)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmAll_SendsAllTrue()
    {
        var handler = new StubHandler(request => request.Method == HttpMethod.Post
            ? StubHandler.Response(HttpStatusCode.Accepted, Samples.WarmStarted)
            : StubHandler.Response(HttpStatusCode.OK, Samples.Job("completed", 4)));

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--all", .. Connection], handler);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"all":true}""", handler.Requests[0].Body);
        Assert.Contains("for all companies", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarmNoWait_PrintsOnlyTheJobId()
    {
        var handler = StubHandler.Json(HttpStatusCode.Accepted, Samples.WarmStarted);

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--all", "--no-wait", .. Connection], handler);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("job-42", result.Out.Trim());
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Warm_JobFailed_Exit7()
    {
        var handler = new StubHandler(request => request.Method == HttpMethod.Post
            ? StubHandler.Response(HttpStatusCode.Accepted, Samples.WarmStarted)
            : StubHandler.Response(HttpStatusCode.OK, Samples.Job("failed", 3, failed: 1)));

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--company=3", .. Connection], handler);

        Assert.Equal(7, result.ExitCode);
        Assert.Contains("Warm job job-42 for company 3 failed: 1 of 4 widget computations failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warm_UnknownJob_Exit5()
    {
        var handler = new StubHandler(request => request.Method == HttpMethod.Post
            ? StubHandler.Response(HttpStatusCode.Accepted, Samples.WarmStarted)
            : StubHandler.Response(HttpStatusCode.NotFound, """{"title":"Not Found","detail":"There is no job 'job-42'."}"""));

        var result = await Askpro.RunAsync(["cache:manage", "warm", "--company=3", .. Connection], handler);

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("There is no job 'job-42'.", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mode_SendsModeCaseInsensitively_PrintsAnswer()
    {
        var handler = StubHandler.Json(HttpStatusCode.OK, """{"mode":"Legacy","percent":25,"widgets":["recent_calls"]}""");

        var result = await Askpro.RunAsync(["cache:manage", "mode", "--mode=legacy", "--percent=25", "--widget=recent_calls", .. Connection], handler);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""{"mode":"Legacy","percent":25,"widget":"recent_calls"}""", Assert.Single(handler.Requests).Body);
        Assert.Equal("Set mode Legacy for 25 % of companies on widget recent_calls.", result.Out.Trim());
    }

    [Fact]
    public async Task StatsJson_PrintsTheServiceJsonUnchanged()
    {
        var result = await Askpro.RunAsync(["cache:manage", "stats", "--json", .. Connection], StubHandler.Json(HttpStatusCode.OK, Samples.Stats));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(Samples.Stats.Trim(), result.Out.Trim());
        using var parsed = JsonDocument.Parse(result.Out);
        Assert.Equal(80, parsed.RootElement.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task Stats_PrintsTables()
    {
        var handler = StubHandler.Json(HttpStatusCode.OK, Samples.Stats);

        var result = await Askpro.RunAsync(["cache:manage", "stats", .. Connection], handler);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("/api/admin/cache/stats", Assert.Single(handler.Requests).Path);
        Assert.Contains("dashboard_stats", result.Out, StringComparison.Ordinal);
        Assert.Contains("Per widget", result.Out, StringComparison.Ordinal);
    }
}
