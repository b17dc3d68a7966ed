using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Tests.Features.Widgets;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// Calls that end, edits and deletes applied to the cached values (ADR 0022): a call center's stream is half ends, and
/// each end used to invalidate all four widgets of its company. After each end every widget is served from the cache
/// (no widget query) and equals a from-scratch computation from the raw rows. The row version refuses the second of
/// two updates that read the same row; the write paths read it again, or answer 409, never 500. On SQLite and PostgreSQL.
/// </summary>
public abstract class CallEndsAppliedTests(CallEndsAppliedTests.Fixture app)
{
    private const int CompanyId = 1;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public async Task CallEndsEditsAndDeletes_AppliedToEveryWidget_NoWidgetQuery_EqualToFromScratch()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        var now = app.Time.GetUtcNow();
        for (var i = 0; i < 6; i++)
        {
            await SendOkAsync(hooks, $$"""{"eventId":"applied-start-{{i}}","type":"call_started","companyId":1,"externalCallId":"applied-{{i}}","branchId":{{11 + (i % 2)}},"startedAt":"{{now.AddMinutes(-i - 1):O}}"}""");
        }

        await WidgetReads.WarmAsync(admin, CompanyId);
        await CheckAsync(admin, "after the starts");
        var metrics = app.Services.GetRequiredService<DatabaseMetrics>();
        var before = metrics.WidgetQueries;

        // Ends through the webhook (completed with a duration, missed), an analysis, an end and an edit through the API,
        // a delete: every one an update or delete of a versioned row.
        await SendOkAsync(hooks, """{"eventId":"applied-end-0","type":"call_ended","companyId":1,"externalCallId":"applied-0","status":"completed","durationSeconds":55}""");
        await CheckAsync(admin, "a call completed by webhook");
        await SendOkAsync(hooks, """{"eventId":"applied-end-1","type":"call_ended","companyId":1,"externalCallId":"applied-1","status":"missed"}""");
        await CheckAsync(admin, "a call missed by webhook");
        await SendOkAsync(hooks, """{"eventId":"applied-analyzed-0","type":"call_analyzed","companyId":1,"externalCallId":"applied-0","sentiment":0.5,"appointmentBooked":true}""");
        await CheckAsync(admin, "a call analysed by webhook");
        var id2 = await IdOfAsync("applied-2");
        using (var response = await admin.PatchAsJsonAsync($"/api/companies/1/calls/{id2}", new { status = "Completed", durationSeconds = 100, appointmentBooked = true }))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await CheckAsync(admin, "a call ended through the API");
        await EditAsync("applied-3", c => c.BranchId = 11);
        await CheckAsync(admin, "a call moved to another branch");
        // To yesterday, whose part has calls of the same branch (the new row's branch name comes from there).
        await EditAsync("applied-4", c => c.StartedAt = c.StartedAt.AddDays(-1));
        await CheckAsync(admin, "a call moved to yesterday");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            db.Calls.Remove(await db.Calls.SingleAsync(c => c.CompanyId == CompanyId && c.ExternalId == "applied-5"));
            await db.SaveChangesAsync();
        }

        await CheckAsync(admin, "a call deleted");

        // A call that starts after the cached values were computed (they count it: an applied insert) and then ends:
        // its end is applied too, though a computation at the values' instant would not have counted it.
        app.Time.Advance(TimeSpan.FromSeconds(40));
        await SendOkAsync(hooks, $$"""{"eventId":"applied-late-start","type":"call_started","companyId":1,"externalCallId":"applied-late","branchId":12,"startedAt":"{{app.Time.GetUtcNow().AddSeconds(-20):O}}"}""");
        await CheckAsync(admin, "a call started after the values' instant");
        await SendOkAsync(hooks, """{"eventId":"applied-late-end","type":"call_ended","companyId":1,"externalCallId":"applied-late","status":"completed","durationSeconds":10}""");
        await CheckAsync(admin, "that call ended");

        // Before ADR 0022 every one of these writes invalidated the four widgets: 4 or more widget queries each.
        Assert.Equal(0, metrics.WidgetQueries - before);
        foreach (var (widget, outcome) in await WidgetReads.OutcomesAsync(admin, CompanyId))
        {
            Assert.True(outcome == "HIT", $"{widget}: {outcome}");
        }
    }

    [Fact]
    public async Task SignedWebhooks_AppliedOnASingleNode_StatsCountThemAsAppliedChangesNotInvalidations()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        await SendOkAsync(hooks, $$"""{"eventId":"stats-start-0","type":"call_started","companyId":1,"externalCallId":"stats-0","branchId":11,"startedAt":"{{app.Time.GetUtcNow().AddMinutes(-2):O}}"}""");
        await WidgetReads.WarmAsync(admin, CompanyId);
        var before = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));

        // A start and an end: each is applied to live_calls, recent_calls and stats_overview in place; dashboard_stats
        // gets it in its day part, and only its own entry is dropped (composed again from the parts, without a query).
        await SendOkAsync(hooks, $$"""{"eventId":"stats-start-1","type":"call_started","companyId":1,"externalCallId":"stats-1","branchId":12,"startedAt":"{{app.Time.GetUtcNow().AddMinutes(-1):O}}"}""");
        await SendOkAsync(hooks, """{"eventId":"stats-end-0","type":"call_ended","companyId":1,"externalCallId":"stats-0","status":"completed","durationSeconds":30}""");
        await CheckAsync(admin, "after a start and an end");

        var after = await Json.ReadAsync(await admin.GetAsync("/api/admin/cache/stats"));
        long Delta(string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();

        // Before, each of the two writes counted 4 invalidations, though 3 of its widgets' values were updated in place.
        Assert.Equal(2 * 3, Delta("appliedChanges"));
        Assert.Equal(2 * 1, Delta("invalidations"));
    }

    [Fact]
    public async Task TwoUpdatesOfOneCall_TheVersionRefusesTheSecond_WidgetsCountTheFirstOnly()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        await SendOkAsync(hooks, """{"eventId":"race-start","type":"call_started","companyId":1,"externalCallId":"race","branchId":12}""");
        await WidgetReads.WarmAsync(admin, CompanyId);
        var ongoing = (await WidgetReads.ValueAsync(admin, CompanyId, "live_calls")).GetProperty("ongoing").GetInt32();

        // Both read version 0; each ends the call its own way. Without the version both would commit, and both changes
        // would take the same old row out of the cached counts.
        await using var first = app.Services.CreateAsyncScope();
        await using var second = app.Services.CreateAsyncScope();
        var db1 = first.ServiceProvider.GetRequiredService<AskProDbContext>();
        var db2 = second.ServiceProvider.GetRequiredService<AskProDbContext>();
        var call1 = await db1.Calls.SingleAsync(c => c.CompanyId == CompanyId && c.ExternalId == "race");
        var call2 = await db2.Calls.SingleAsync(c => c.CompanyId == CompanyId && c.ExternalId == "race");
        (call1.Status, call1.DurationSeconds, call1.EndedAt) = (CallStatus.Completed, 30, app.Time.GetUtcNow().UtcDateTime);
        (call2.Status, call2.EndedAt) = (CallStatus.Failed, app.Time.GetUtcNow().UtcDateTime);

        await db1.SaveChangesAsync();
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db2.SaveChangesAsync());

        var saved = await db1.Calls.AsNoTracking().SingleAsync(c => c.Id == call1.Id);
        Assert.Equal((CallStatus.Completed, 1), (saved.Status, saved.Version));
        Assert.Equal(ongoing - 1, (await WidgetReads.ValueAsync(admin, CompanyId, "live_calls")).GetProperty("ongoing").GetInt32());
        await CheckAsync(admin, "after two concurrent ends");
    }

    [Fact]
    public async Task CallEnded_EarlierWriteOfTheCompanyInFlight_InvalidatedNotApplied()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        await SendOkAsync(hooks, $$"""{"eventId":"order-start-1","type":"call_started","companyId":1,"externalCallId":"order-1","branchId":11,"startedAt":"{{app.Time.GetUtcNow().AddMinutes(-3):O}}"}""");
        await SendOkAsync(hooks, $$"""{"eventId":"order-start-2","type":"call_started","companyId":1,"externalCallId":"order-2","branchId":12,"startedAt":"{{app.Time.GetUtcNow().AddMinutes(-2):O}}"}""");
        await WidgetReads.WarmAsync(admin, CompanyId);
        var metrics = app.Services.GetRequiredService<DatabaseMetrics>();

        // A write of company 1 that took its ticket before the end and has not finished (its old image may not have
        // reached the cached values yet): the end invalidates instead of taking its old row out of them.
        var inFlight = app.Services.GetRequiredService<WritesInFlight>();
        var earlier = app.Services.GetRequiredService<AskProAI.Caching.IWidgetCache>().BeginWrite().Clock;
        inFlight.Begin([CompanyId], earlier);
        var queries = metrics.WidgetQueries;
        await SendOkAsync(hooks, """{"eventId":"order-end-1","type":"call_ended","companyId":1,"externalCallId":"order-1","status":"missed"}""");
        await CheckAsync(admin, "an end while an earlier write is in flight");
        Assert.True(metrics.WidgetQueries > queries, "the end was applied while an earlier write of the company was in flight");

        // Once that write is over, the next end is applied again.
        inFlight.End([CompanyId], earlier);
        await WidgetReads.WarmAsync(admin, CompanyId);
        queries = metrics.WidgetQueries;
        await SendOkAsync(hooks, """{"eventId":"order-end-2","type":"call_ended","companyId":1,"externalCallId":"order-2","status":"completed","durationSeconds":30}""");
        await CheckAsync(admin, "an end after the earlier write ended");
        Assert.Equal(queries, metrics.WidgetQueries);
    }

    [Fact]
    public async Task CallEnded_RowChangedUnderTheSave_ReadAgainAndApplied()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        await SendOkAsync(hooks, $$"""{"eventId":"retry-start","type":"call_started","companyId":1,"externalCallId":"retry","branchId":11,"startedAt":"{{app.Time.GetUtcNow().AddMinutes(-5):O}}"}""");
        await WidgetReads.WarmAsync(admin, CompanyId);
        var ongoing = (await WidgetReads.ValueAsync(admin, CompanyId, "live_calls")).GetProperty("ongoing").GetInt32();

        app.Conflicts.Arm(1);
        using var response = await hooks.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"retry-end","type":"call_ended","companyId":1,"externalCallId":"retry","status":"completed","durationSeconds":20}""", app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, app.Conflicts.Armed);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
            var call = await db.Calls.AsNoTracking().SingleAsync(c => c.CompanyId == CompanyId && c.ExternalId == "retry");
            Assert.Equal((CallStatus.Completed, 20), (call.Status, call.DurationSeconds));
            Assert.Equal(1, await db.WebhookEvents.CountAsync(e => e.CompanyId == CompanyId && e.EventId == "retry-end"));
        }

        Assert.Equal(ongoing - 1, (await WidgetReads.ValueAsync(admin, CompanyId, "live_calls")).GetProperty("ongoing").GetInt32());
        await CheckAsync(admin, "after an end saved on the second attempt");
    }

    [Fact]
    public async Task CallEnded_RowKeepsChanging_409NothingSaved_ApiEditToo()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var hooks = app.CreateClient();
        await SendOkAsync(hooks, """{"eventId":"busy-start","type":"call_started","companyId":1,"externalCallId":"busy","branchId":11}""");
        var id = await IdOfAsync("busy");

        app.Conflicts.Arm(3);
        using var webhook = await hooks.SendAsync(SignedWebhooks.Telephony(
            """{"eventId":"busy-end","type":"call_ended","companyId":1,"externalCallId":"busy","status":"missed"}""", app.Time.GetUtcNow()));
        app.Conflicts.Arm(3);
        using var api = await admin.PatchAsJsonAsync($"/api/companies/1/calls/{id}", new { status = "Missed" });
        app.Conflicts.Arm(0);

        foreach (var response in new[] { webhook, api })
        {
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Contains("changed by another request", (await Json.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var unchanged = await db.Calls.AsNoTracking().SingleAsync(c => c.Id == id);
        Assert.Equal((CallStatus.Ongoing, 0), (unchanged.Status, unchanged.Version));
        Assert.False(await db.WebhookEvents.AnyAsync(e => e.CompanyId == CompanyId && e.EventId == "busy-end"));

        // The same end sent again once the row is quiet is processed, and applied: the refused attempts left nothing
        // in flight that would make the company's later updates invalidate instead.
        await WidgetReads.WarmAsync(admin, CompanyId);
        var queries = app.Services.GetRequiredService<DatabaseMetrics>().WidgetQueries;
        await SendOkAsync(hooks, """{"eventId":"busy-end","type":"call_ended","companyId":1,"externalCallId":"busy","status":"missed"}""");
        await CheckAsync(admin, "after the end sent again");
        Assert.Equal(queries, app.Services.GetRequiredService<DatabaseMetrics>().WidgetQueries);
    }

    private async Task SendOkAsync(HttpClient client, string json)
    {
        using var response = await client.SendAsync(SignedWebhooks.Telephony(json, app.Time.GetUtcNow()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{json}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> IdOfAsync(string externalId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        return await db.Calls.Where(c => c.CompanyId == CompanyId && c.ExternalId == externalId).Select(c => c.Id).SingleAsync();
    }

    private async Task EditAsync(string externalId, Action<Call> edit)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        edit(await db.Calls.SingleAsync(c => c.CompanyId == CompanyId && c.ExternalId == externalId));
        await db.SaveChangesAsync();
    }

    /// <summary>Every widget of company 1 against a computation from its raw rows, at the instant each value is for.</summary>
    private async Task CheckAsync(HttpClient client, string context)
    {
        var now = app.Time.GetUtcNow();
        var rows = await IndependentFigures.Rows.LoadAsync(app.Services, CompanyId);
        var stats = await WidgetReads.ValueAsync(client, CompanyId, "dashboard_stats");
        Same("dashboard_stats", IndependentFigures.DashboardStats(rows, Berlin, stats.GetProperty("asOf").GetDateTimeOffset()), IndependentFigures.DescribeDashboardStats(stats));
        var overview = await WidgetReads.ValueAsync(client, CompanyId, "stats_overview");
        Same("stats_overview", IndependentFigures.Overview(rows, Berlin, overview.GetProperty("asOf").GetDateTimeOffset(), now), IndependentFigures.DescribeOverview(overview));
        var live = await WidgetReads.ValueAsync(client, CompanyId, "live_calls");
        Same("live_calls", IndependentFigures.LiveCalls(rows, live.GetProperty("asOf").GetDateTimeOffset()), IndependentFigures.DescribeLiveCalls(live));
        var recent = await WidgetReads.ValueAsync(client, CompanyId, "recent_calls");
        Same("recent_calls", IndependentFigures.RecentCalls(rows, now, now), IndependentFigures.DescribeRecentCalls(recent));

        void Same(string widget, string expected, string actual) =>
            Assert.True(expected == actual, $"{context}: {widget}\nexpected {expected}\nactual   {actual}");
    }

    /// <summary>The service with webhook secrets and the conflict injector.</summary>
    public class Fixture(TestDatabaseProvider provider) : ConflictWebAppFixture(provider);

    public sealed class Sqlite(Sqlite.F app) : CallEndsAppliedTests(app), IClassFixture<Sqlite.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.F app) : CallEndsAppliedTests(app), IClassFixture<PostgreSql.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql);
    }
}
