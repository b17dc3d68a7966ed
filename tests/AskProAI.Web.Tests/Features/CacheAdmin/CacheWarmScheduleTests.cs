using System.Net;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The daily full warm at 03:00 Europe/Berlin, driven by the fake clock.</summary>
public sealed class CacheWarmScheduleTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>
{
    [Fact]
    public async Task At0300Berlin_FullWarmRuns_ThenEveryCompanysFirstDashboardViewIsAHit()
    {
        var scheduler = app.Services.GetRequiredService<CacheWarmScheduler>();
        await WaitAsync(() => scheduler.NextWarm is not null);

        // 2025-08-07 03:00 in Berlin (CEST, UTC+2) is 01:00 UTC.
        var expected = new DateTimeOffset(2025, 8, 7, 1, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, scheduler.NextWarm);
        app.Time.SetUtcNow(expected.AddSeconds(-1));
        Assert.DoesNotContain(app.Services.GetRequiredService<CacheJobTracker>().Recent(), j => j.Kind == "warm");

        app.Time.SetUtcNow(expected);
        var job = await app.WaitForJobOfKindAsync("warm");

        Assert.Equal(CacheJobState.Completed, job.State);
        Assert.Equal((3, 4, 12, 12), (job.Companies, job.Widgets, job.Total, job.Completed));
        await WaitAsync(() => scheduler.NextWarm == expected.AddDays(1));
        using var admin = await app.FreshClientForAsync(TestData.AdminEmail);
        foreach (var company in new[] { 1, 2, 3 })
        {
            using var response = await admin.GetAsync($"/api/companies/{company}/dashboard");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var widgets = (await Json.ReadAsync(response)).GetProperty("widgets");
            foreach (var widget in widgets.EnumerateObject())
            {
                Assert.Equal("HIT", widget.Value.GetProperty("cache").GetString());
            }
        }
    }

    internal static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(20);
        }
    }
}
