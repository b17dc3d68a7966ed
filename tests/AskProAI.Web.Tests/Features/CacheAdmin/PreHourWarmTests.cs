using System.Net;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The pre-hour warm: from minute 55 the next hour's buckets of active companies are computed, spread out.</summary>
public sealed class PreHourWarmTests(AdminApiFixture app) : IClassFixture<AdminApiFixture>
{
    [Fact]
    public async Task From55_NextHourIsComputedForActiveCompanies_SoTheTopOfTheHourIsAHit()
    {
        var scheduler = app.Services.GetRequiredService<CacheWarmScheduler>();
        await CacheWarmScheduleTests.WaitAsync(() => scheduler.NextPreHour is not null);
        Assert.Equal(new DateTimeOffset(2025, 8, 6, 14, 55, 0, TimeSpan.Zero), scheduler.NextPreHour);

        // Company 1 is active (its dashboard was viewed at 14:30); company 2 is not.
        using var manager = await app.ClientForAsync(TestData.Manager1Email);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync("/api/companies/1/dashboard")).StatusCode);

        app.Time.SetUtcNow(new DateTimeOffset(2025, 8, 6, 14, 55, 0, TimeSpan.Zero));
        var jobs = app.Services.GetRequiredService<CacheJobTracker>();
        await CacheWarmScheduleTests.WaitAsync(() => jobs.Recent().Any(j => j.Kind == "prehour"));
        var job = jobs.Recent().First(j => j.Kind == "prehour");
        Assert.Equal((1, 3), (job.Companies, job.Widgets));

        // Spread over 14:55–14:59: one computation every 80 s, so the first has started and the last not yet.
        await CacheWarmScheduleTests.WaitAsync(() => job.Completed >= 1);
        Assert.False(job.IsFinished);

        // Past every start: a delay already waiting fires now, and one created later finds its start passed.
        // A delay registered in the instant of the jump would wait from the new time, so nudge the fake clock
        // (within 14:59) until the job is done.
        var lastMinute = new DateTimeOffset(2025, 8, 6, 14, 59, 0, TimeSpan.Zero);
        app.Time.SetUtcNow(lastMinute);
        await CacheWarmScheduleTests.WaitAsync(() =>
        {
            if (!job.IsFinished && app.Time.GetUtcNow() < lastMinute.AddSeconds(30))
            {
                app.Time.Advance(TimeSpan.FromSeconds(1));
            }

            return job.IsFinished;
        });

        await app.WaitForJobOfKindAsync("prehour");
        Assert.Equal((3, 0), (job.Completed, job.Failed));

        app.Time.SetUtcNow(new DateTimeOffset(2025, 8, 6, 15, 0, 0, TimeSpan.Zero));
        foreach (var widget in new[] { "dashboard_stats", "recent_calls", "stats_overview" })
        {
            Assert.Equal("HIT", await CacheAdminApiTests.CacheOfAsync(manager, 1, widget));
        }

        using var other = await app.ClientForAsync(TestData.Manager2Email);
        Assert.NotEqual("HIT", await CacheAdminApiTests.CacheOfAsync(other, 2, "dashboard_stats"));
    }
}
