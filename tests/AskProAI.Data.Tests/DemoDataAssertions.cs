using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Tests;

/// <summary>The checks every provider's generated data must pass.</summary>
internal static class DemoDataAssertions
{
    public static DemoDataOptions Small(int seed = 42) => new()
    {
        Seed = seed,
        Companies = 3,
        CallsPerCompany = 2_000,
        BranchesPerCompany = 3,
        StaffPerBranch = 2,
        CustomersPerCompany = 150,
        Days = 14,
        OngoingCallsPerCompany = 4,
    };

    public static async Task CountsMatchAsync(AskProDbContext db, DemoDataOptions o, DemoDataResult result)
    {
        Assert.Equal(o.Companies, result.Companies);
        Assert.Equal(o.Companies * o.BranchesPerCompany, result.Branches);
        Assert.Equal(o.Companies * o.BranchesPerCompany * o.StaffPerBranch, result.Staff);
        Assert.Equal(o.Companies * o.CustomersPerCompany, result.Customers);
        Assert.Equal((long)o.Companies * o.CallsPerCompany, result.Calls);

        Assert.Equal(result.Companies, await db.Companies.CountAsync());
        Assert.Equal(result.Branches, await db.Branches.CountAsync());
        Assert.Equal(result.Staff, await db.Staff.CountAsync());
        Assert.Equal(result.Customers, await db.Customers.CountAsync());
        Assert.Equal(result.Calls, await db.Calls.LongCountAsync());
        Assert.Equal(result.Appointments, await db.Appointments.LongCountAsync());

        var companies = await db.Companies.OrderBy(c => c.Id).Select(c => new { c.Id, c.Name }).ToListAsync();
        Assert.Equal(Enumerable.Range(1, o.Companies), companies.Select(c => c.Id));
        Assert.All(companies, c => Assert.Equal($"Company {c.Id}", c.Name));
        foreach (var company in companies)
        {
            Assert.Equal(o.CallsPerCompany, await db.Calls.CountAsync(c => c.CompanyId == company.Id));
        }
    }

    public static async Task ShapedAroundNowAsync(AskProDbContext db, DemoDataOptions o, DateTime now)
    {
        var windowStart = now.AddDays(-o.Days);
        for (var company = 1; company <= o.Companies; company++)
        {
            var id = company;
            var ongoing = await db.Calls.Where(c => c.CompanyId == id && c.Status == CallStatus.Ongoing).ToListAsync();
            Assert.Equal(o.OngoingCallsPerCompany, ongoing.Count);
            Assert.All(ongoing, c =>
            {
                Assert.Equal(DateTimeKind.Utc, c.StartedAt.Kind);
                Assert.InRange(c.StartedAt, now.AddMinutes(-5), now);
                Assert.Null(c.EndedAt);
            });

            var quarter = now.AddMinutes(-15);
            Assert.True(await db.Calls.CountAsync(c => c.CompanyId == id && c.Status == CallStatus.Completed && c.StartedAt >= quarter) > 0);
            var yesterday = now.Date.AddDays(-1);
            Assert.True(await db.Calls.CountAsync(c => c.CompanyId == id && c.StartedAt >= now.Date) > 0);
            Assert.True(await db.Calls.CountAsync(c => c.CompanyId == id && c.StartedAt >= yesterday && c.StartedAt < now.Date) > 0);
        }

        Assert.Equal(0, await db.Calls.CountAsync(c => c.StartedAt < windowStart || c.StartedAt > now));
        Assert.Equal(0, await db.Calls.CountAsync(c => c.EndedAt > now));

        var statuses = await db.Calls.GroupBy(c => c.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        var total = (double)statuses.Values.Sum();
        Assert.InRange(statuses[CallStatus.Completed] / total, 0.75, 0.90);
        Assert.InRange(statuses[CallStatus.Missed] / total, 0.05, 0.20);
        Assert.InRange(statuses[CallStatus.Failed] / total, 0.02, 0.12);

        // Business hours in Berlin (UTC+2 in August) outnumber the night.
        var day = await db.Calls.CountAsync(c => c.StartedAt.Hour >= 7 && c.StartedAt.Hour < 16);
        var night = await db.Calls.CountAsync(c => c.StartedAt.Hour >= 20 || c.StartedAt.Hour < 3);
        Assert.True(day > night * 5, $"day {day}, night {night}");
    }

    public static async Task BookingsFollowCallsAsync(AskProDbContext db)
    {
        var completedInbound = await db.Calls.CountAsync(c => c.Status == CallStatus.Completed && c.Direction == CallDirection.Inbound);
        var booked = await db.Calls.CountAsync(c => c.AppointmentBooked);
        Assert.InRange(booked / (double)completedInbound, 0.25, 0.35);
        Assert.Equal(0, await db.Calls.CountAsync(c => c.AppointmentBooked && (c.Status != CallStatus.Completed || c.Direction != CallDirection.Inbound)));

        var appointments = await db.Appointments.Include(a => a.Call).ToListAsync();
        Assert.Equal(booked, appointments.Count);
        Assert.All(appointments, a =>
        {
            Assert.NotNull(a.Call);
            Assert.True(a.Call.AppointmentBooked);
            Assert.Equal(a.Call.CustomerId, a.CustomerId);
            Assert.Equal(a.Call.BranchId, a.BranchId);
            Assert.Equal(a.Call.EndedAt, a.CreatedAt);
            Assert.True(a.StartsAt > a.CreatedAt);
            Assert.Equal(DateTimeKind.Utc, a.StartsAt.Kind);
        });
    }

    /// <summary>The writers drop and rebuild secondary indexes of big tables; all of them must be back.</summary>
    public static async Task IndexesRestoredAsync(AskProDbContext db)
    {
        var sql = db.Database.IsNpgsql()
            ? "SELECT indexname AS \"Value\" FROM pg_indexes WHERE tablename IN ('Calls', 'Appointments')"
            : "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('Calls', 'Appointments')";
        var names = await db.Database.SqlQueryRaw<string>(sql).ToListAsync();
        string[] expected =
        [
            "IX_Calls_CompanyId_StartedAt", "IX_Calls_CompanyId_Status_StartedAt", "IX_Calls_CompanyId_ExternalId",
            "IX_Calls_CompanyId_BranchId", "IX_Calls_CompanyId_CustomerId",
            "IX_Appointments_CompanyId_CreatedAt", "IX_Appointments_CompanyId_StartsAt",
        ];
        Assert.All(expected, name => Assert.Contains(name, names));
    }

    /// <summary>Every reference between children stays inside one company.</summary>
    public static async Task CompaniesIsolatedAsync(AskProDbContext db)
    {
        Assert.Equal(0, await db.Calls.CountAsync(c => c.Branch!.CompanyId != c.CompanyId));
        Assert.Equal(0, await db.Calls.CountAsync(c => c.CustomerId != null && c.Customer!.CompanyId != c.CompanyId));
        Assert.Equal(0, await db.Appointments.CountAsync(a =>
            a.Staff!.CompanyId != a.CompanyId || a.Staff.BranchId != a.BranchId || a.Customer!.CompanyId != a.CompanyId));
        Assert.Equal(0, await db.Staff.CountAsync(s => s.Branch!.CompanyId != s.CompanyId));
    }

    /// <summary>The database refuses a call of company 1 on a branch of company 2.</summary>
    public static async Task CrossCompanyReferenceRefusedAsync(AskProDbContext db)
    {
        var foreignBranch = await db.Branches.Where(b => b.CompanyId == 2).Select(b => b.Id).FirstAsync();
        db.Calls.Add(new Call
        {
            CompanyId = 1,
            BranchId = foreignBranch,
            Status = CallStatus.Completed,
            StartedAt = DateTime.SpecifyKind(TestDatabase.Now.UtcDateTime, DateTimeKind.Utc),
        });
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();

        var ownBranch = await db.Branches.Where(b => b.CompanyId == 1).Select(b => b.Id).FirstAsync();
        var call = new Call
        {
            CompanyId = 1,
            BranchId = ownBranch,
            Status = CallStatus.Ongoing,
            StartedAt = TestDatabase.Now.UtcDateTime,
            ExternalId = "test-call",
        };
        db.Calls.Add(call);
        await db.SaveChangesAsync();
        Assert.True(call.Id > await db.Calls.Where(c => c.Id != call.Id).MaxAsync(c => c.Id), "new ids continue after the generated ones");
    }
}
