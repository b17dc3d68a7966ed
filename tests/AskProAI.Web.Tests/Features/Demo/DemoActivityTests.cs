using System.Threading.Channels;
using AskProAI.Data;
using AskProAI.Web.Tests.Features.Live;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Demo;

/// <summary>The demo's trickle of live calls goes through the normal write path: calls start and end, and dashboards hear the push.</summary>
public sealed class DemoActivityTests(DemoActivityTests.Fixture app) : IClassFixture<DemoActivityTests.Fixture>
{
    [Fact]
    public async Task Enabled_StartsAndEndsCalls_AndTheWatchedDashboardHearsIt()
    {
        var token = await DashboardHubTests.TokenAsync(app, TestData.Manager1Email);
        var pushes = Channel.CreateUnbounded<string[]>();
        var connection = new HubConnectionBuilder()
            .WithUrl(app.BaseAddress + "/hubs/dashboard", o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        connection.On<PushMessage>("widgetsChanged", m => pushes.Writer.TryWrite(m.Widgets));
        await using (connection)
        {
            await connection.StartAsync();

            // One fake second at a time: each tick starts a call in a random branch (two of the three are company 1's).
            string[]? heard = null;
            for (var tick = 0; tick < 60 && heard is null; tick++)
            {
                app.Time.Advance(TimeSpan.FromSeconds(1));
                using var wait = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                try
                {
                    heard = await pushes.Reader.ReadAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    heard = null;
                }
            }

            Assert.NotNull(heard);
            Assert.Contains("live_calls", heard);
        }

        // Calls last 3 s here: after some more ticks, calls the demo started have ended with a final status.
        Assert.True(
            await Eventually.TrueAsync(
                async () =>
                {
                    app.Time.Advance(TimeSpan.FromSeconds(1));
                    await using var scope = app.Services.CreateAsyncScope();
                    var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
                    return await db.Calls.AnyAsync(c => c.ExternalId == null && c.EndedAt != null && c.Status != CallStatus.Ongoing);
                },
                TimeSpan.FromSeconds(30)),
            "No demo call ended.");
    }

    private sealed record PushMessage(int CompanyId, string[] Widgets);

    public sealed class Fixture : KestrelWebAppFixture
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("DemoActivity:Enabled", "true");
            builder.UseSetting("DemoActivity:Interval", "00:00:01");
            builder.UseSetting("DemoActivity:ShortestCall", "00:00:03");
            builder.UseSetting("DemoActivity:LongestCall", "00:00:03");
        }
    }
}
