using AskProAI.Data;
using AskProAI.Web.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// A small, known data set. "Now" is 2025-08-06 14:30 UTC. Company 1 (Europe/Berlin, UTC+2 in August) has the
/// calls and appointments below; company 2 (UTC) has a few rows whose names must never appear in company 1's
/// answers (it counts in GBP, en-GB; company 1 in the defaults EUR, de-DE); company 3 has an unknown time zone and no data.
/// </summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2025, 8, 6, 14, 30, 0, TimeSpan.Zero);

    public const string Password = "Test-Passw0rd!";
    public const string AdminEmail = "admin@example.test";
    public const string Manager1Email = "manager1@example.test";
    public const string Manager2Email = "manager2@example.test";

    /// <summary>A customer name of company 2 that must never leak into company 1's answers.</summary>
    public const string Company2Secret = "Zed Secretson";

    /// <summary>A branch name of company 2 that must never leak into company 1's answers.</summary>
    public const string Company2Branch = "Omega Secret Branch";

    private static DateTime Utc(int month, int day, int hour, int minute) => new(2025, month, day, hour, minute, 0, DateTimeKind.Utc);

    public static async Task SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AskProDbContext>();
        var created = Utc(1, 1, 0, 0);
        db.Companies.AddRange(
            new Company { Id = 1, Name = "Alpha Dental", TimeZone = "Europe/Berlin", CreatedAt = created },
            new Company { Id = 2, Name = "Omega Clinic", TimeZone = "UTC", Currency = "GBP", Locale = "en-GB", CreatedAt = created },
            new Company { Id = 3, Name = "Empty Co", TimeZone = "Not/AZone", CreatedAt = created });
        db.Branches.AddRange(
            new Branch { Id = 11, CompanyId = 1, Name = "Mitte", City = "Berlin" },
            new Branch { Id = 12, CompanyId = 1, Name = "Nord", City = "Hamburg" },
            new Branch { Id = 21, CompanyId = 2, Name = Company2Branch, City = "London" });
        db.Staff.AddRange(
            new StaffMember { Id = 11, CompanyId = 1, BranchId = 11, Name = "Dr. Keller" },
            new StaffMember { Id = 21, CompanyId = 2, BranchId = 21, Name = "Dr. Omega" });
        db.Customers.AddRange(
            new Customer { Id = 11, CompanyId = 1, Name = "Anna Schmidt", Phone = "+4930000001" },
            new Customer { Id = 12, CompanyId = 1, Name = "Ben Weber", Phone = "+4930000002" },
            new Customer { Id = 21, CompanyId = 2, Name = Company2Secret, Phone = "+4420000001" });
        await db.SaveChangesAsync();

        db.Calls.AddRange(
            Call(101, 1, 11, 11, CallStatus.Ongoing, Utc(8, 6, 14, 25), 0, booked: false),
            Call(102, 1, 12, 12, CallStatus.Completed, Utc(8, 6, 14, 20), 120, booked: true),
            Call(103, 1, 11, null, CallStatus.Missed, Utc(8, 6, 14, 10), 0, booked: false),
            Call(104, 1, 11, 11, CallStatus.Completed, Utc(8, 5, 23, 30), 300, booked: false), // 01:30 Berlin: today
            Call(105, 1, 11, 12, CallStatus.Completed, Utc(8, 5, 21, 0), 200, booked: true), // 23:00 Berlin: yesterday
            Call(106, 1, 12, 11, CallStatus.Failed, Utc(8, 5, 8, 0), 0, booked: false),
            Call(107, 1, 12, 12, CallStatus.Completed, Utc(7, 20, 10, 0), 100, booked: true),
            Call(108, 1, 11, 11, CallStatus.Completed, Utc(7, 7, 21, 0), 999, booked: true), // 23:00 Berlin on Jul 7: outside
            Call(201, 2, 21, 21, CallStatus.Ongoing, Utc(8, 6, 14, 28), 0, booked: false),
            Call(202, 2, 21, 21, CallStatus.Completed, Utc(8, 6, 12, 0), 60, booked: true));
        await db.SaveChangesAsync();

        db.Appointments.AddRange(
            Appointment(1001, 1, 12, 11, 12, 102, AppointmentStatus.Scheduled, 5000, Utc(8, 6, 14, 21)),
            Appointment(1002, 1, 11, 11, 12, 105, AppointmentStatus.Completed, 8000, Utc(8, 5, 21, 5)),
            Appointment(1003, 1, 12, 11, 12, 107, AppointmentStatus.Cancelled, 3000, Utc(7, 20, 10, 2)),
            Appointment(1004, 1, 11, 11, 11, 108, AppointmentStatus.Completed, 9900, Utc(7, 7, 21, 5)),
            Appointment(1005, 1, 11, 11, 11, null, AppointmentStatus.NoShow, 2500, Utc(8, 6, 9, 0)),
            Appointment(2001, 2, 21, 21, 21, 202, AppointmentStatus.Scheduled, 7777, Utc(8, 6, 12, 1)));
        await db.SaveChangesAsync();
        await AdvanceIdentitiesAsync(db);

        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        await CreateUserAsync(users, AdminEmail, 1, AuthConstants.SuperAdminRole);
        await CreateUserAsync(users, Manager1Email, 1, role: null);
        await CreateUserAsync(users, Manager2Email, 2, role: null);
    }

    /// <summary>
    /// The rows above carry explicit ids, which leave PostgreSQL's identity sequences at 1: move each past the largest
    /// id, so that the service's own inserts do not collide with them (SQLite takes the next id after the largest).
    /// </summary>
    private static async Task AdvanceIdentitiesAsync(AskProDbContext db)
    {
        if (db.Database.ProviderName != "Npgsql.EntityFrameworkCore.PostgreSQL")
        {
            return;
        }

        const string Sql = """
            SELECT setval(pg_get_serial_sequence('"Companies"', 'Id'), (SELECT MAX("Id") FROM "Companies")),
                   setval(pg_get_serial_sequence('"Branches"', 'Id'), (SELECT MAX("Id") FROM "Branches")),
                   setval(pg_get_serial_sequence('"Staff"', 'Id'), (SELECT MAX("Id") FROM "Staff")),
                   setval(pg_get_serial_sequence('"Customers"', 'Id'), (SELECT MAX("Id") FROM "Customers")),
                   setval(pg_get_serial_sequence('"Calls"', 'Id'), (SELECT MAX("Id") FROM "Calls")),
                   setval(pg_get_serial_sequence('"Appointments"', 'Id'), (SELECT MAX("Id") FROM "Appointments"))
            """;
        await db.Database.ExecuteSqlRawAsync(Sql);
    }

    private static async Task CreateUserAsync(UserManager<AppUser> users, string email, int companyId, string? role)
    {
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = companyId };
        Check(await users.CreateAsync(user, Password));
        if (role is not null)
        {
            Check(await users.AddToRoleAsync(user, role));
        }
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static Call Call(long id, int company, int branch, int? customer, CallStatus status, DateTime startedAt, int duration, bool booked) => new()
    {
        Id = id,
        CompanyId = company,
        BranchId = branch,
        CustomerId = customer,
        Direction = CallDirection.Inbound,
        Status = status,
        StartedAt = startedAt,
        EndedAt = status == CallStatus.Ongoing ? null : startedAt.AddSeconds(duration),
        DurationSeconds = duration,
        CostCents = duration / 6,
        Sentiment = status == CallStatus.Completed ? 0.5 : null,
        AppointmentBooked = booked,
        ExternalId = "call-" + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Appointment Appointment(
        long id, int company, int branch, int staff, int customer, long? call, AppointmentStatus status, long price, DateTime createdAt) => new()
    {
        Id = id,
        CompanyId = company,
        BranchId = branch,
        StaffId = staff,
        CustomerId = customer,
        CallId = call,
        StartsAt = createdAt.AddDays(3),
        Status = status,
        PriceCents = price,
        CreatedAt = createdAt,
    };
}
