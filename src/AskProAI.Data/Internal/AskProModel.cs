using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Internal;

/// <summary>
/// The tenant model. Every child row carries its company id, and references between children are composite
/// (CompanyId, Id) foreign keys, so the database itself refuses a call of one company on another company's branch.
/// </summary>
internal static class AskProModel
{
    public const int NameLength = 200;

    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<AppUser>(user =>
        {
            user.HasOne(u => u.Company).WithMany().HasForeignKey(u => u.CompanyId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Company>(company =>
        {
            company.ToTable("Companies");
            company.Property(c => c.Name).HasMaxLength(NameLength);
            company.Property(c => c.TimeZone).HasMaxLength(64);

            // Database defaults too: rows written by the bulk demo writers and rows from before the column existed get them.
            company.Property(c => c.Currency).HasMaxLength(3).HasDefaultValue("EUR");
            company.Property(c => c.Locale).HasMaxLength(35).HasDefaultValue("de-DE");
        });

        builder.Entity<Branch>(branch =>
        {
            branch.ToTable("Branches");
            branch.Property(b => b.Name).HasMaxLength(NameLength);
            branch.Property(b => b.City).HasMaxLength(100);
            branch.HasAlternateKey(b => new { b.CompanyId, b.Id });
            branch.HasOne<Company>().WithMany().HasForeignKey(b => b.CompanyId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<StaffMember>(staff =>
        {
            staff.ToTable("Staff");
            staff.Property(s => s.Name).HasMaxLength(NameLength);
            staff.HasAlternateKey(s => new { s.CompanyId, s.Id });
            staff.HasOne<Company>().WithMany().HasForeignKey(s => s.CompanyId).OnDelete(DeleteBehavior.Restrict);
            staff.HasOne(s => s.Branch).WithMany()
                .HasForeignKey(s => new { s.CompanyId, s.BranchId }).HasPrincipalKey(b => new { b.CompanyId, b.Id })
                .OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Customer>(customer =>
        {
            customer.ToTable("Customers");
            customer.Property(c => c.Name).HasMaxLength(NameLength);
            customer.Property(c => c.Phone).HasMaxLength(32);
            customer.HasAlternateKey(c => new { c.CompanyId, c.Id });
            customer.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Call>(call =>
        {
            call.ToTable("Calls");
            call.Property(c => c.ExternalId).HasMaxLength(100);
            call.Property(c => c.Version).IsConcurrencyToken();
            call.HasAlternateKey(c => new { c.CompanyId, c.Id });
            call.HasOne<Company>().WithMany().HasForeignKey(c => c.CompanyId).OnDelete(DeleteBehavior.Restrict);
            call.HasOne(c => c.Branch).WithMany()
                .HasForeignKey(c => new { c.CompanyId, c.BranchId }).HasPrincipalKey(b => new { b.CompanyId, b.Id })
                .OnDelete(DeleteBehavior.Restrict);
            call.HasOne(c => c.Customer).WithMany()
                .HasForeignKey(c => new { c.CompanyId, c.CustomerId }).HasPrincipalKey(c => new { c.CompanyId, c.Id })
                .OnDelete(DeleteBehavior.Restrict);

            // The dashboard's range scans: all calls of a period, and calls of one status in a period.
            call.HasIndex(c => new { c.CompanyId, c.StartedAt });
            call.HasIndex(c => new { c.CompanyId, c.Status, c.StartedAt });

            // Webhooks upsert by the provider's id; NULLs do not collide on SQLite or PostgreSQL.
            call.HasIndex(c => new { c.CompanyId, c.ExternalId }).IsUnique();
        });

        builder.Entity<Appointment>(appointment =>
        {
            appointment.ToTable("Appointments");
            appointment.Property(a => a.Version).IsConcurrencyToken();
            appointment.HasOne<Company>().WithMany().HasForeignKey(a => a.CompanyId).OnDelete(DeleteBehavior.Restrict);
            appointment.HasOne(a => a.Branch).WithMany()
                .HasForeignKey(a => new { a.CompanyId, a.BranchId }).HasPrincipalKey(b => new { b.CompanyId, b.Id })
                .OnDelete(DeleteBehavior.Restrict);
            appointment.HasOne(a => a.Staff).WithMany()
                .HasForeignKey(a => new { a.CompanyId, a.StaffId }).HasPrincipalKey(s => new { s.CompanyId, s.Id })
                .OnDelete(DeleteBehavior.Restrict);
            appointment.HasOne(a => a.Customer).WithMany()
                .HasForeignKey(a => new { a.CompanyId, a.CustomerId }).HasPrincipalKey(c => new { c.CompanyId, c.Id })
                .OnDelete(DeleteBehavior.Restrict);
            appointment.HasOne(a => a.Call).WithMany()
                .HasForeignKey(a => new { a.CompanyId, a.CallId }).HasPrincipalKey(c => new { c.CompanyId, c.Id })
                .OnDelete(DeleteBehavior.Restrict);

            // Bookings per period (CreatedAt) and the calendar (StartsAt).
            appointment.HasIndex(a => new { a.CompanyId, a.CreatedAt });
            appointment.HasIndex(a => new { a.CompanyId, a.StartsAt });
        });

        builder.Entity<WebhookEvent>(webhookEvent =>
        {
            webhookEvent.ToTable("WebhookEvents");
            webhookEvent.Property(e => e.EventId).HasMaxLength(WebhookEvent.EventIdLength);
            webhookEvent.Property(e => e.Type).HasMaxLength(WebhookEvent.TypeLength);
            webhookEvent.HasOne<Company>().WithMany().HasForeignKey(e => e.CompanyId).OnDelete(DeleteBehavior.Restrict);

            // Exactly-once processing: a second insert of the same event id fails inside the delivery's transaction.
            // Scoped per company: event ids are the provider's per account, so two companies may use the same one.
            webhookEvent.HasIndex(e => new { e.CompanyId, e.EventId }).IsUnique();
            webhookEvent.HasIndex(e => new { e.CompanyId, e.ReceivedAt });
        });
    }
}
