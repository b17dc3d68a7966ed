using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Tests;

/// <summary>
/// The row version of calls and appointments (ADR 0022): every update increments it, and of two contexts that read the
/// same version and both update the row only the first succeeds; the second fails with the concurrency exception instead
/// of overwriting the first (PostgreSQL's read committed would let both commit without it). On SQLite and PostgreSQL.
/// </summary>
public sealed class RowVersionTests
{
    [Fact]
    public Task ConcurrentUpdates_Sqlite_SecondRefused() => ConcurrentUpdatesAsync(TestDatabase.Sqlite());

    [Fact]
    public async Task ConcurrentUpdates_PostgreSql_SecondRefused() => await ConcurrentUpdatesAsync(await TestDatabase.PostgreSqlAsync());

    private static async Task ConcurrentUpdatesAsync(TestDatabase database)
    {
        await using var _ = database;
        await database.MigrateAsync();
        var (callId, appointmentId) = await SeedAsync(database);

        await using var first = database.CreateContext();
        await using var second = database.CreateContext();
        var call1 = await first.Calls.SingleAsync(c => c.Id == callId);
        var call2 = await second.Calls.SingleAsync(c => c.Id == callId);
        var appointment1 = await first.Appointments.SingleAsync(a => a.Id == appointmentId);
        var appointment2 = await second.Appointments.SingleAsync(a => a.Id == appointmentId);
        Assert.Equal((0, 0), (call1.Version, appointment1.Version));

        call1.Status = CallStatus.Completed;
        call1.DurationSeconds = 42;
        appointment1.Status = AppointmentStatus.Cancelled;
        await first.SaveChangesAsync();
        Assert.Equal((1, 1), (call1.Version, appointment1.Version));

        call2.Status = CallStatus.Missed;
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        second.ChangeTracker.Clear();
        appointment2 = await second.Appointments.SingleAsync(a => a.Id == appointmentId);
        second.Remove(appointment2);
        await second.SaveChangesAsync();

        await using var check = database.CreateContext();
        var saved = await check.Calls.AsNoTracking().SingleAsync(c => c.Id == callId);
        Assert.Equal((CallStatus.Completed, 42, 1), (saved.Status, saved.DurationSeconds, saved.Version));
        Assert.False(await check.Appointments.AnyAsync(a => a.Id == appointmentId));

        // A stale delete is refused too.
        await using var stale = database.CreateContext();
        var old = await stale.Calls.SingleAsync(c => c.Id == callId);
        await using (var other = database.CreateContext())
        {
            (await other.Calls.SingleAsync(c => c.Id == callId)).Sentiment = 0.5;
            await other.SaveChangesAsync();
        }

        stale.Calls.Remove(old);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => stale.SaveChangesAsync());
    }

    private static async Task<(long Call, long Appointment)> SeedAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var company = new Company { Name = "Versions", CreatedAt = TestDatabase.Now.UtcDateTime };
        db.Companies.Add(company);
        await db.SaveChangesAsync();
        var branch = new Branch { CompanyId = company.Id, Name = "Branch", City = "City" };
        db.Branches.Add(branch);
        await db.SaveChangesAsync();
        var staff = new StaffMember { CompanyId = company.Id, BranchId = branch.Id, Name = "Staff" };
        var customer = new Customer { CompanyId = company.Id, Name = "Customer", Phone = "+1" };
        db.AddRange(staff, customer);
        await db.SaveChangesAsync();
        var call = new Call { CompanyId = company.Id, BranchId = branch.Id, Status = CallStatus.Ongoing, StartedAt = TestDatabase.Now.UtcDateTime };
        db.Calls.Add(call);
        await db.SaveChangesAsync();
        var appointment = new Appointment
        {
            CompanyId = company.Id,
            BranchId = branch.Id,
            StaffId = staff.Id,
            CustomerId = customer.Id,
            CallId = call.Id,
            StartsAt = TestDatabase.Now.UtcDateTime.AddDays(1),
            PriceCents = 1000,
            CreatedAt = TestDatabase.Now.UtcDateTime,
        };
        db.Appointments.Add(appointment);
        await db.SaveChangesAsync();
        return (call.Id, appointment.Id);
    }
}
