using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AskProAI.Data.Tests;

/// <summary>
/// The same migration and generation checks against a real PostgreSQL (<c>ASKPRO_TEST_POSTGRES</c>). Without the variable
/// these tests fail, never skip: scripts/test.sh starts a server and sets it.
/// </summary>
public sealed class PostgreSqlTests
{
    [Fact]
    public async Task MigrateAndGenerate_PostgreSql_MatchesSqliteRowForRow()
    {
        await using var database = await TestDatabase.PostgreSqlAsync();
        await database.MigrateAsync();
        var options = DemoDataAssertions.Small();

        var result = await database.Generator.GenerateAsync(options);

        await using var db = database.CreateContext();
        Assert.IsType<PostgreSqlAskProDbContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.False(db.Database.HasPendingModelChanges(), "the model has changes that no PostgreSQL migration captures");
        await DemoDataAssertions.CountsMatchAsync(db, options, result);
        await DemoDataAssertions.IndexesRestoredAsync(db);
        await DemoDataAssertions.ShapedAroundNowAsync(db, options, TestDatabase.Now.UtcDateTime);
        await DemoDataAssertions.BookingsFollowCallsAsync(db);
        await DemoDataAssertions.CompaniesIsolatedAsync(db);

        await using (var sqlite = TestDatabase.Sqlite())
        {
            await sqlite.MigrateAsync();
            await sqlite.Generator.GenerateAsync(options);
            await using var sqliteDb = sqlite.CreateContext();
            Assert.Equal(await DemoDataChecksum.ComputeAsync(sqliteDb), await DemoDataChecksum.ComputeAsync(db));
        }

        await DemoDataAssertions.CrossCompanyReferenceRefusedAsync(db);
    }

    [Fact]
    public async Task Generate_PostgreSql_CopyOutlastingTheCommandTimeout_Completes()
    {
        // Seeding a million calls on a busy machine (the scaled-out soak) took longer than Npgsql's command timeout
        // and killed the first instance. Here a trigger makes the COPY into "Calls" take 4 s against a 2 s timeout.
        await using var database = await TestDatabase.PostgreSqlAsync();
        await database.MigrateAsync();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var slow = new NpgsqlCommand(
                "CREATE FUNCTION askpro_test_slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(4); RETURN NULL; END $$; " +
                "CREATE TRIGGER askpro_test_slow AFTER INSERT ON \"Calls\" FOR EACH STATEMENT EXECUTE FUNCTION askpro_test_slow();",
                connection);
            await slow.ExecuteNonQueryAsync();
        }

        await using var withTimeout = database.WithCommandTimeout(2);
        var options = DemoDataAssertions.Small();

        var result = await withTimeout.Generator.GenerateAsync(options);

        await using var db = database.CreateContext();
        await DemoDataAssertions.CountsMatchAsync(db, options, result);
    }
}
