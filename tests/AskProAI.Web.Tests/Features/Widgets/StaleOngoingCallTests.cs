using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>A call left "ongoing" for longer than four hours is not live: the widgets say so and the API refuses to create one.</summary>
public sealed class StaleOngoingCallTests(StaleOngoingCallTests.Fixture app) : IClassFixture<StaleOngoingCallTests.Fixture>
{
    [Fact]
    public async Task CreateOngoingCall_StartedFiveHoursAgo_400NamingStartedAt_CompletedOneAccepted()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var fiveHoursAgo = TestData.Now.AddHours(-5);

        using var ongoing = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", startedAt = fiveHoursAgo });
        using var completed = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", status = "Completed", startedAt = fiveHoursAgo });
        using var recent = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", startedAt = TestData.Now.AddHours(-3) });

        Assert.Equal(HttpStatusCode.BadRequest, ongoing.StatusCode);
        var problem = await Json.ReadAsync(ongoing);
        Assert.Contains("4 hours", problem.GetProperty("errors").GetProperty("startedAt")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, completed.StatusCode);
        Assert.Equal(HttpStatusCode.Created, recent.StatusCode);
    }

    [Fact]
    public async Task OngoingCallStartedTwoDaysAgo_NotLive_ListedAsNoEndRecorded()
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);
        using var before = await client.GetAsync("/api/companies/2/widgets/live_calls");
        Assert.Equal(1, (await Json.ReadAsync(before)).GetProperty("ongoing").GetInt32());

        // Written as an import or a lost end webhook would leave it: through a DbContext, so the change tracker invalidates.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            db.Calls.Add(new Call
            {
                Id = 290, CompanyId = 2, BranchId = 21, Direction = CallDirection.Inbound, Status = CallStatus.Ongoing,
                StartedAt = TestData.Now.UtcDateTime.AddDays(-2), ExternalId = "stale-290",
            });
            await db.SaveChangesAsync();
        }

        using var live = await client.GetAsync("/api/companies/2/widgets/live_calls");
        using var recentCalls = await client.GetAsync("/api/companies/2/widgets/recent_calls");

        Assert.Equal(1, (await Json.ReadAsync(live)).GetProperty("ongoing").GetInt32());
        var calls = (await Json.ReadAsync(recentCalls)).GetProperty("calls").EnumerateArray().ToArray();
        Assert.Equal("no_end_recorded", calls.Single(c => c.GetProperty("id").GetInt64() == 290).GetProperty("outcome").GetString());
        Assert.Equal("in_progress", calls.Single(c => c.GetProperty("id").GetInt64() == 201).GetProperty("outcome").GetString());
    }

    public sealed class Fixture : WritableWebAppFixture;
}
