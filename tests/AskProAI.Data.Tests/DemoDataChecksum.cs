using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Tests;

/// <summary>A provider-independent fingerprint of every demo row, read back through EF.</summary>
internal static class DemoDataChecksum
{
    public static async Task<string> ComputeAsync(AskProDbContext db)
    {
        var text = new StringBuilder();
        foreach (var c in await db.Companies.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "company", c.Id, c.Name, c.TimeZone, c.CreatedAt);
        }

        foreach (var b in await db.Branches.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "branch", b.Id, b.CompanyId, b.Name, b.City);
        }

        foreach (var s in await db.Staff.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "staff", s.Id, s.CompanyId, s.BranchId, s.Name);
        }

        foreach (var c in await db.Customers.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "customer", c.Id, c.CompanyId, c.Name, c.Phone);
        }

        foreach (var c in await db.Calls.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "call", c.Id, c.CompanyId, c.BranchId, c.CustomerId, c.Direction, c.Status, c.StartedAt, c.EndedAt,
                c.DurationSeconds, c.CostCents, c.Sentiment, c.AppointmentBooked, c.ExternalId);
        }

        foreach (var a in await db.Appointments.AsNoTracking().OrderBy(x => x.Id).ToListAsync())
        {
            Line(text, "appointment", a.Id, a.CompanyId, a.BranchId, a.StaffId, a.CustomerId, a.CallId, a.StartsAt, a.Status,
                a.PriceCents, a.CreatedAt);
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static void Line(StringBuilder text, params object?[] values)
    {
        foreach (var value in values)
        {
            text.Append(value switch
            {
                null => "null",
                DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString(),
            }).Append('|');
        }

        text.Append('\n');
    }
}
