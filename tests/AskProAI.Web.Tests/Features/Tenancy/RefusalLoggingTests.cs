using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AskProAI.Web.Tests.Features.Live;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace AskProAI.Web.Tests.Features.Tenancy;

/// <summary>
/// A manager looking at another company is routine: it is refused and logged at Information or Warning, never as an
/// error and never with a stack trace (the hub, the widget API, the write API and the admin API alike).
/// </summary>
public sealed class RefusalLoggingTests(RefusalLoggingTests.Fixture app) : IClassFixture<RefusalLoggingTests.Fixture>
{
    [Fact]
    public async Task ManagerRefusedEverywhere_LoggedWithoutErrorsOrStackTraces()
    {
        var token = await DashboardHubTests.TokenAsync(app, TestData.Manager1Email);
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var connection = new HubConnectionBuilder()
            .WithUrl(app.BaseAddress + "/hubs/dashboard", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        await using (connection)
        {
            await connection.StartAsync();
            var refused = await connection.InvokeAsync<WatchAnswerMessage>("Watch", 2);
            var unknown = await connection.InvokeAsync<WatchAnswerMessage>("Watch", 0);
            Assert.False(refused.Watching);
            Assert.Contains("own company", refused.Refusal, StringComparison.Ordinal);
            Assert.False(unknown.Watching);
            Assert.True((await connection.InvokeAsync<WatchAnswerMessage>("Watch", 1)).Watching);
        }

        using (var widget = await client.GetAsync("/api/companies/2/dashboard"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, widget.StatusCode);
        }

        using (var write = await client.PostAsJsonAsync("/api/companies/2/calls", new { branchId = 21, direction = "Inbound" }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        }

        using (var admin = await client.GetAsync("/api/admin/cache/stats"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, admin.StatusCode);
        }

        var records = app.Logs.All;
        Assert.Contains(records, r => r.EventId.Id == 4203 && r.Level == LogLevel.Information);
        Assert.Contains(records, r => r.EventId.Id == 4021 && r.Level == LogLevel.Information);
        var loud = records.Where(r => r.Level >= LogLevel.Error || r.Exception is not null).Select(r => $"{r.Level} {r.Category}: {r.Message}").ToArray();
        Assert.True(loud.Length == 0, "Logged as errors or with exceptions: " + string.Join(" | ", loud));
    }

    private sealed record WatchAnswerMessage(int CompanyId, bool Watching, string? Refusal);

    public sealed class Fixture : KestrelWebAppFixture
    {
        public LogRecords Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }
}
