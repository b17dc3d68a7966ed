using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data;

/// <summary>
/// The PostgreSQL flavour of <see cref="AskProDbContext"/>; owns the migrations in <c>Migrations/PostgreSql</c>.
/// <see cref="DateTime"/> maps to <c>timestamp with time zone</c> (Npgsql's default), so values must be UTC.
/// </summary>
public sealed class PostgreSqlAskProDbContext : AskProDbContext
{
    /// <summary>Initializes a new instance of the <see cref="PostgreSqlAskProDbContext"/> class.</summary>
    /// <param name="options">The options, configured with <c>UseNpgsql</c>.</param>
    public PostgreSqlAskProDbContext(DbContextOptions<PostgreSqlAskProDbContext> options)
        : base(options)
    {
    }
}
