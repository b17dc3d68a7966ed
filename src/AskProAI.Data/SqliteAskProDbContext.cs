using AskProAI.Data.Internal;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data;

/// <summary>The SQLite flavour of <see cref="AskProDbContext"/>; owns the migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteAskProDbContext : AskProDbContext
{
    /// <summary>Initializes a new instance of the <see cref="SqliteAskProDbContext"/> class.</summary>
    /// <param name="options">The options, configured with <c>UseSqlite</c>.</param>
    public SqliteAskProDbContext(DbContextOptions<SqliteAskProDbContext> options)
        : base(options)
    {
    }

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);

        // SQLite stores DateTime as ISO text without a kind; everything we store is UTC, so say so on read.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}
