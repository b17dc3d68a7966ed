using AskProAI.Data.Internal;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data;

/// <summary>
/// The AskProAI database: tenants, their calls and appointments, and ASP.NET Identity users.
/// Each provider has a subclass (<see cref="SqliteAskProDbContext"/>, <see cref="PostgreSqlAskProDbContext"/>)
/// that owns that provider's migrations; code outside this assembly works with this type only.
/// It also holds the ASP.NET Core Data Protection key ring of a deployment without Redis.
/// </summary>
public class AskProDbContext : IdentityDbContext<AppUser, IdentityRole<int>, int>, IDataProtectionKeyContext
{
    /// <summary>Initializes a new instance of the <see cref="AskProDbContext"/> class.</summary>
    /// <param name="options">The options; non-generic so that the provider subclasses can pass theirs.</param>
    public AskProDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>Gets the companies (tenants).</summary>
    public DbSet<Company> Companies => Set<Company>();

    /// <summary>Gets the branches.</summary>
    public DbSet<Branch> Branches => Set<Branch>();

    /// <summary>Gets the staff members.</summary>
    public DbSet<StaffMember> Staff => Set<StaffMember>();

    /// <summary>Gets the customers.</summary>
    public DbSet<Customer> Customers => Set<Customer>();

    /// <summary>Gets the calls.</summary>
    public DbSet<Call> Calls => Set<Call>();

    /// <summary>Gets the appointments.</summary>
    public DbSet<Appointment> Appointments => Set<Appointment>();

    /// <summary>Gets the processed webhook events (replay protection).</summary>
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();

    /// <summary>Gets the Data Protection keys (the key ring every instance shares when there is no Redis).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        // Every updated versioned row goes one version up first (see IncrementVersions).
        IncrementVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <inheritdoc />
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        IncrementVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        AskProModel.Configure(builder);
    }

    /// <summary>
    /// The version of every modified versioned row goes one up from the version it was read with; the UPDATE then
    /// checks that version (a concurrency token), so of two writes that read the same version only one succeeds.
    /// </summary>
    private void IncrementVersions()
    {
        // Entries() detects changes first (when automatic detection is on), so a property set since the read is seen here.
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            if (entry.State == EntityState.Modified)
            {
                var version = entry.Property(v => v.Version);
                version.CurrentValue = version.OriginalValue + 1;
            }
        }
    }
}
