using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// The change tracker observers: a committed change reaches exactly the widgets that depend on the changed entity type,
/// of the changed company only (an insert is applied to the cached values, ADR 0015; other changes invalidate them); a
/// rollback or a failed save changes nothing. On SQLite and on PostgreSQL.
/// </summary>
public abstract class ChangeTrackerInvalidationTests(WebAppFixture app)
{
    private static readonly string[] CallWidgets = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];
    private static readonly string[] AppointmentWidgets = ["dashboard_stats", "stats_overview"];

    [Fact]
    public async Task CreateCall_Company1_InvalidatesCallWidgetsOfCompany1Only()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = await WidgetReads.SnapshotAsync(admin, 1);

        using var response = await WidgetReads.PostCallAsync(admin, 1, new { branchId = 11, direction = "Inbound" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        AssertShowTheWrite(before, await WidgetReads.SnapshotAsync(admin, 1), CallWidgets);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: []);
    }

    [Fact]
    public async Task CreateAppointment_InvalidatesOnlyWidgetsDependingOnAppointments()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = await WidgetReads.SnapshotAsync(admin, 1);

        using var response = await admin.PostAsJsonAsync(
            "/api/companies/1/appointments",
            new { branchId = 11, staffId = 11, customerId = 11, startsAt = TestData.Now.AddDays(1), priceCents = 100 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        AssertShowTheWrite(before, await WidgetReads.SnapshotAsync(admin, 1), AppointmentWidgets);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: []);
    }

    [Fact]
    public async Task ExplicitTransaction_InvalidatesOnlyAtCommit()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = await WidgetReads.SnapshotAsync(admin, 2);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Calls.Add(NewCall(2, 21));
            await db.SaveChangesAsync();

            // Saved but not committed: nobody may cache a value computed now as the new truth, nor lose the old one.
            AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: []);
            await transaction.CommitAsync();
        }

        AssertShowTheWrite(before, await WidgetReads.SnapshotAsync(admin, 2), CallWidgets);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: []);
    }

    [Fact]
    public async Task ExplicitTransaction_RolledBack_InvalidatesNothing()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var before = await db.Calls.CountAsync();

        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            db.Calls.Add(NewCall(1, 11));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Equal(before, await db.Calls.CountAsync());
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: []);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: []);
    }

    [Fact]
    public async Task FailedSave_InvalidatesNothing()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();

        // A valid call and one on company 2's branch in the same save: the database refuses the whole save.
        db.Calls.Add(NewCall(1, 11));
        db.Calls.Add(NewCall(1, 21));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: []);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: []);
    }

    [Fact]
    public async Task SynchronousSaveChanges_AppliedAfterCommit()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var revenue = (await WidgetReads.ValueAsync(admin, 2, "stats_overview")).GetProperty("revenueCents").GetProperty("today").GetInt64();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();

        var appointment = await db.Appointments.SingleAsync(a => a.Id == 2001);
        appointment.PriceCents += 1;
        db.SaveChanges();

        // An update of a versioned row is applied (ADR 0022): stats_overview stays cached with the new price,
        // dashboard_stats is composed again from its day parts (a MISS without a query).
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: ["dashboard_stats"]);
        Assert.Equal(revenue + 1, (await WidgetReads.ValueAsync(admin, 2, "stats_overview")).GetProperty("revenueCents").GetProperty("today").GetInt64());
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: []);
    }

    [Fact]
    public async Task BulkUpdate_EndOngoing_UsesExplicitInvalidator()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = (await WidgetReads.ValueAsync(admin, 2, "live_calls")).GetProperty("ongoing").GetInt32();
        Assert.True(before > 0);

        using var response = await admin.PostAsJsonAsync("/api/companies/2/calls/end-ongoing", new { startedBefore = TestData.Now.AddSeconds(1) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(before, (await Json.ReadAsync(response)).GetProperty("ended").GetInt32());
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 2), miss: CallWidgets);
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: []);
        Assert.Equal(0, (await WidgetReads.ValueAsync(admin, 2, "live_calls")).GetProperty("ongoing").GetInt32());
    }

    [Fact]
    public async Task Invalidator_ExecuteUpdateThenInvalidate_ReadsReflectTheBulkWrite()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var invalidator = scope.ServiceProvider.GetRequiredService<IWidgetInvalidator>();

        await db.Appointments.Where(a => a.CompanyId == 1).ExecuteUpdateAsync(s => s.SetProperty(a => a.PriceCents, a => a.PriceCents + 100));
        var invalidated = await invalidator.InvalidateAsync(1, typeof(Appointment));

        Assert.Equal(AppointmentWidgets.Order(), invalidated.Order());
        AssertOutcomes(await WidgetReads.OutcomesAsync(admin, 1), miss: AppointmentWidgets);
    }

    private static Call NewCall(int companyId, int branchId) => new()
    {
        CompanyId = companyId,
        BranchId = branchId,
        Direction = CallDirection.Inbound,
        Status = CallStatus.Ongoing,
        StartedAt = TestData.Now.UtcDateTime,
    };

    /// <summary>
    /// The widgets that depend on the write show it on the very next read, whether applied to the cached value (HIT) or
    /// recomputed (MISS); every other widget is a HIT with the same data as before.
    /// </summary>
    private static void AssertShowTheWrite(Dictionary<string, (string Outcome, string Data)> before, Dictionary<string, (string Outcome, string Data)> after, string[] touched)
    {
        foreach (var (widget, (outcome, data)) in after)
        {
            if (touched.Contains(widget))
            {
                Assert.True(data != before[widget].Data, $"{widget}: the write is not visible ({outcome})");
                Assert.True(outcome is "HIT" or "MISS", $"{widget}: {outcome}");
            }
            else
            {
                Assert.True(outcome == "HIT" && data == before[widget].Data, $"{widget}: expected the same value as a HIT, got {outcome}");
            }
        }
    }

    private static void AssertOutcomes(Dictionary<string, string> outcomes, string[] miss)
    {
        foreach (var (widget, outcome) in outcomes)
        {
            Assert.True(
                outcome == (miss.Contains(widget) ? "MISS" : "HIT"),
                $"{widget}: expected {(miss.Contains(widget) ? "MISS" : "HIT")}, got {outcome}");
        }
    }

    public sealed class Sqlite(Sqlite.Fixture app) : ChangeTrackerInvalidationTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture : WritableWebAppFixture;
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : ChangeTrackerInvalidationTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : WritableWebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
