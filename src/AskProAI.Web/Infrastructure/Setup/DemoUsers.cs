using AskProAI.Data;
using AskProAI.Web.Features.Auth;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Infrastructure.Setup;

/// <summary>
/// The demo logins, made only with demo data in Development: <c>admin@askpro.test</c> (SuperAdmin, company 1) and
/// <c>manager{N}@askpro.test</c> for every company N, all with the password <c>demo-password</c>.
/// </summary>
internal static class DemoUsers
{
    /// <summary>The email domain of every demo user.</summary>
    public const string Domain = "askpro.test";

    /// <summary>The demo users' password.</summary>
    public const string Password = "demo-password";

    /// <summary>The SuperAdmin demo user's email.</summary>
    public const string AdminEmail = "admin@" + Domain;

    /// <summary>The email of the demo manager of a company.</summary>
    public static string ManagerEmail(int companyId) => FormattableString.Invariant($"manager{companyId}@{Domain}");

    /// <summary>Whether any demo user exists (the service must not run outside Development then).</summary>
    public static Task<bool> AnyExistAsync(AskProDbContext db, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().AnyAsync(u => u.NormalizedEmail!.EndsWith("@ASKPRO.TEST"), cancellationToken);

    /// <summary>Creates the demo users that are missing.</summary>
    public static async Task EnsureAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var users = services.GetRequiredService<UserManager<AppUser>>();
        var db = services.GetRequiredService<AskProDbContext>();
        var companyIds = await db.Companies.AsNoTracking().OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        if (companyIds.Count == 0)
        {
            return;
        }

        var wanted = new List<(string Email, int CompanyId, bool Admin)> { (AdminEmail, companyIds[0], true) };
        wanted.AddRange(companyIds.Select(id => (ManagerEmail(id), id, false)));
        int created = 0, existing = 0;
        foreach (var (email, companyId, admin) in wanted)
        {
            if (await users.FindByEmailAsync(email) is not null)
            {
                existing++;
                continue;
            }

            var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, CompanyId = companyId };

            // Hashed directly: the demo password is below Identity's default strength rules, which stay on for real users.
            user.PasswordHash = users.PasswordHasher.HashPassword(user, Password);
            var result = await users.CreateAsync(user);
            if (result.Succeeded && admin)
            {
                result = await users.AddToRoleAsync(user, AuthConstants.SuperAdminRole);
            }

            if (!result.Succeeded)
            {
                Log.DemoUserFailed(logger, created + existing, string.Join("; ", result.Errors.Select(e => e.Code)));
                continue;
            }

            created++;
        }

        Log.DemoUsersReady(logger, created, existing);
    }
}
