using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Features.Monitoring;
using AskProAI.Web.Tests.Features.Widgets;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Calls;

/// <summary>
/// The appointment writes when the row changed between their read and their save (the row version, ADR 0022): read
/// again and saved once, or after 3 refused attempts a 409 with nothing saved, never a 500. <c>PATCH</c> conflicts on
/// the appointment, <c>POST</c> with a <c>callId</c> on the call it marks booked. On SQLite and PostgreSQL.
/// </summary>
public abstract class AppointmentConflictTests(ConflictWebAppFixture app)
{
    private const int CompanyId = 1;
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Fact]
    public async Task UpdateAppointment_RowChangedUnderTheSave_ReadAgainAndSavedOnce()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        var id = await CreateAsync(client, priceCents: 4101);
        await WidgetReads.WarmAsync(client, CompanyId);

        app.Conflicts.Arm(1, "Appointments");
        using var response = await client.PatchAsJsonAsync($"/api/companies/1/appointments/{id}", new { status = "Completed", priceCents = 4102 });

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(0, app.Conflicts.Armed);
        var stored = await FindAsync(id);
        Assert.Equal((AppointmentStatus.Completed, 4102L, 1), (stored.Status, stored.PriceCents, stored.Version));
        await CheckAsync(client, "after an edit saved on the second attempt");
    }

    [Fact]
    public async Task UpdateAppointment_RowKeepsChanging_409NothingSaved_ThenSavedAndApplied()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        var id = await CreateAsync(client, priceCents: 4201);

        app.Conflicts.Arm(3, "Appointments");
        using var response = await client.PatchAsJsonAsync($"/api/companies/1/appointments/{id}", new { status = "Cancelled", priceCents = 4202 });
        app.Conflicts.Arm(0);

        await AssertConflictAsync(response, "appointment");
        var unchanged = await FindAsync(id);
        Assert.Equal((AppointmentStatus.Scheduled, 4201L, 0), (unchanged.Status, unchanged.PriceCents, unchanged.Version));

        // Sent again once the row is quiet, the edit is saved and applied to the cached values: the refused attempts
        // left nothing in flight that would make the company's later updates invalidate instead.
        await WidgetReads.WarmAsync(client, CompanyId);
        var metrics = app.Services.GetRequiredService<DatabaseMetrics>();
        var queries = metrics.WidgetQueries;
        using var again = await client.PatchAsJsonAsync($"/api/companies/1/appointments/{id}", new { status = "Cancelled", priceCents = 4202 });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await CheckAsync(client, "after the edit sent again");
        Assert.Equal(queries, metrics.WidgetQueries);
    }

    [Fact]
    public async Task CreateAppointment_BookedCallChangedUnderTheSave_ReadAgainAndCreatedOnce()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        var callId = await StartCallAsync(client, "appt-retry");
        await WidgetReads.WarmAsync(client, CompanyId);

        app.Conflicts.Arm(1, "Calls");
        using var response = await client.PostAsJsonAsync("/api/companies/1/appointments", Booking(callId, priceCents: 4301));

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(0, app.Conflicts.Armed);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        Assert.Equal(1, await db.Appointments.CountAsync(a => a.CompanyId == CompanyId && a.CallId == callId));
        Assert.True((await db.Calls.AsNoTracking().SingleAsync(c => c.Id == callId)).AppointmentBooked);
        await CheckAsync(client, "after a booking saved on the second attempt");
    }

    [Fact]
    public async Task CreateAppointment_BookedCallKeepsChanging_409NoAppointmentStored()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);
        var callId = await StartCallAsync(client, "appt-busy");

        app.Conflicts.Arm(3, "Calls");
        using var response = await client.PostAsJsonAsync("/api/companies/1/appointments", Booking(callId, priceCents: 4401));
        app.Conflicts.Arm(0);

        // The appointment's insert ran in the same transaction as the refused update of the call: rolled back with it.
        await AssertConflictAsync(response, "call");
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        Assert.False(await db.Appointments.AnyAsync(a => a.CompanyId == CompanyId && (a.CallId == callId || a.PriceCents == 4401)));
        var call = await db.Calls.AsNoTracking().SingleAsync(c => c.Id == callId);
        Assert.Equal((false, 0), (call.AppointmentBooked, call.Version));
    }

    private static async Task AssertConflictAsync(HttpResponseMessage response, string what)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await Json.ReadAsync(response)).GetProperty("detail").GetString();
        Assert.StartsWith($"The {what} was changed by another request", detail, StringComparison.Ordinal);
        Assert.Contains("nothing of this request was saved", detail, StringComparison.Ordinal);
    }

    private object Booking(long callId, long priceCents) =>
        new { branchId = 11, staffId = 11, customerId = 11, callId, startsAt = app.Time.GetUtcNow().AddDays(2), priceCents };

    private async Task<long> CreateAsync(HttpClient client, long priceCents)
    {
        using var response = await client.PostAsJsonAsync(
            "/api/companies/1/appointments", new { branchId = 11, staffId = 11, customerId = 11, startsAt = app.Time.GetUtcNow().AddDays(2), priceCents });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json.ReadAsync(response)).GetProperty("id").GetInt64();
    }

    private async Task<long> StartCallAsync(HttpClient client, string externalId)
    {
        using var response = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json.ReadAsync(response)).GetProperty("id").GetInt64();
    }

    private async Task<Appointment> FindAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Appointments.AsNoTracking().SingleAsync(a => a.Id == id);
    }

    /// <summary>The widgets that count appointments, against a computation from company 1's raw rows.</summary>
    private async Task CheckAsync(HttpClient client, string context)
    {
        var rows = await IndependentFigures.Rows.LoadAsync(app.Services, CompanyId);
        var stats = await WidgetReads.ValueAsync(client, CompanyId, "dashboard_stats");
        Same("dashboard_stats", IndependentFigures.DashboardStats(rows, Berlin, stats.GetProperty("asOf").GetDateTimeOffset()), IndependentFigures.DescribeDashboardStats(stats));
        var overview = await WidgetReads.ValueAsync(client, CompanyId, "stats_overview");
        Same("stats_overview", IndependentFigures.Overview(rows, Berlin, overview.GetProperty("asOf").GetDateTimeOffset(), app.Time.GetUtcNow()), IndependentFigures.DescribeOverview(overview));

        void Same(string widget, string expected, string actual) =>
            Assert.True(expected == actual, $"{context}: {widget}\nexpected {expected}\nactual   {actual}");
    }

    public sealed class Sqlite(Sqlite.F app) : AppointmentConflictTests(app), IClassFixture<Sqlite.F>
    {
        public sealed class F() : ConflictWebAppFixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.F app) : AppointmentConflictTests(app), IClassFixture<PostgreSql.F>
    {
        public sealed class F() : ConflictWebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
