using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Tests;

public sealed class AskProDatabaseTests
{
    [Fact]
    public async Task MigrateAsync_FreshSqliteFile_AppliesAllMigrations()
    {
        await using var database = TestDatabase.Sqlite();

        await database.MigrateAsync();

        await using var db = database.CreateContext();
        Assert.IsType<SqliteAskProDbContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes that no migration captures");
        Assert.Equal(0, await db.Calls.CountAsync());
        Assert.Equal(0, await db.Users.CountAsync());

        var indexes = await IndexesAsync(database.ConnectionString, "Calls");
        Assert.Contains("IX_Calls_CompanyId_StartedAt", indexes);
        Assert.Contains("IX_Calls_CompanyId_Status_StartedAt", indexes);
        Assert.Contains("IX_Calls_CompanyId_ExternalId", indexes);
        var appointmentIndexes = await IndexesAsync(database.ConnectionString, "Appointments");
        Assert.Contains("IX_Appointments_CompanyId_CreatedAt", appointmentIndexes);
        Assert.Contains("IX_Appointments_CompanyId_StartsAt", appointmentIndexes);
    }

    [Fact]
    public async Task MigrateAsync_Twice_IsANoOp()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();

        await database.MigrateAsync();

        await using var db = database.CreateContext();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task SaveChanges_DateTimes_ReadBackAsUtc()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        var createdAt = new DateTime(2025, 8, 6, 10, 0, 0, DateTimeKind.Utc);
        await using (var db = database.CreateContext())
        {
            db.Companies.Add(new Company { Name = "Utc", CreatedAt = createdAt });
            await db.SaveChangesAsync();
        }

        await using (var db = database.CreateContext())
        {
            var company = await db.Companies.SingleAsync();
            Assert.Equal(createdAt, company.CreatedAt);
            Assert.Equal(DateTimeKind.Utc, company.CreatedAt.Kind);
            Assert.Equal("Europe/Berlin", company.TimeZone);
            Assert.Equal(1, await db.Companies.CountAsync(c => c.CreatedAt >= createdAt.AddMinutes(-1) && c.CreatedAt < createdAt.AddMinutes(1)));
        }
    }

    private static async Task<List<string>> IndexesAsync(string connectionString, string table)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = $table";
        command.Parameters.AddWithValue("$table", table);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
