using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AskProAI.Data.Internal;

/// <summary>Lets <c>dotnet ef</c> build the SQLite context without a host.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAskProDbContext>
{
    public SqliteAskProDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<SqliteAskProDbContext>().UseSqlite(DatabaseSettings.DefaultSqliteConnectionString).Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL context without a host; adding a migration does not connect.</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlAskProDbContext>
{
    public PostgreSqlAskProDbContext CreateDbContext(string[] args)
        => new(new DbContextOptionsBuilder<PostgreSqlAskProDbContext>()
            .UseNpgsql(Environment.GetEnvironmentVariable("ASKPRO_DESIGN_POSTGRES") ?? "Host=localhost;Database=askpro")
            .Options);
}
