using Microsoft.EntityFrameworkCore;

namespace AskProAI.Data.Tests;

public sealed class DemoDataGeneratorTests
{
    [Fact]
    public async Task GenerateAsync_SmallSize_WritesRequestedCounts()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        var options = DemoDataAssertions.Small();

        Assert.False(await database.Generator.HasDataAsync());
        var result = await database.Generator.GenerateAsync(options);
        Assert.True(await database.Generator.HasDataAsync());

        await using var db = database.CreateContext();
        await DemoDataAssertions.CountsMatchAsync(db, options, result);
        await DemoDataAssertions.IndexesRestoredAsync(db);
    }

    [Fact]
    public async Task GenerateAsync_SameSeedTwoFiles_IdenticalRows()
    {
        var checksums = new List<string>();
        for (var run = 0; run < 2; run++)
        {
            await using var database = TestDatabase.Sqlite();
            await database.MigrateAsync();
            await database.Generator.GenerateAsync(DemoDataAssertions.Small());
            await using var db = database.CreateContext();
            checksums.Add(await DemoDataChecksum.ComputeAsync(db));
        }

        Assert.Equal(checksums[0], checksums[1]);
    }

    [Fact]
    public async Task GenerateAsync_OtherSeed_OtherRows()
    {
        var checksums = new List<string>();
        foreach (var seed in new[] { 1, 2 })
        {
            await using var database = TestDatabase.Sqlite();
            await database.MigrateAsync();
            await database.Generator.GenerateAsync(DemoDataAssertions.Small(seed));
            await using var db = database.CreateContext();
            checksums.Add(await DemoDataChecksum.ComputeAsync(db));
        }

        Assert.NotEqual(checksums[0], checksums[1]);
    }

    [Fact]
    public async Task GenerateAsync_Calls_ShapedAroundNowWithOngoingCalls()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        var options = DemoDataAssertions.Small();
        await database.Generator.GenerateAsync(options);

        await using var db = database.CreateContext();
        await DemoDataAssertions.ShapedAroundNowAsync(db, options, TestDatabase.Now.UtcDateTime);
        await DemoDataAssertions.BookingsFollowCallsAsync(db);
    }

    [Fact]
    public async Task GenerateAsync_References_StayInsideOneCompany()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        await database.Generator.GenerateAsync(DemoDataAssertions.Small());

        await using var db = database.CreateContext();
        await DemoDataAssertions.CompaniesIsolatedAsync(db);
        await DemoDataAssertions.CrossCompanyReferenceRefusedAsync(db);
    }

    [Fact]
    public async Task GenerateAsync_DatabaseHasData_Throws()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        var options = DemoDataAssertions.Small();
        options.CallsPerCompany = 100;
        await database.Generator.GenerateAsync(options);

        await Assert.ThrowsAsync<InvalidOperationException>(() => database.Generator.GenerateAsync(options));
    }

    [Fact]
    public async Task GenerateAsync_InvalidOptions_Throws()
    {
        await using var database = TestDatabase.Sqlite();
        await database.MigrateAsync();
        var options = DemoDataAssertions.Small();
        options.OngoingCallsPerCompany = options.CallsPerCompany + 1;

        await Assert.ThrowsAsync<System.ComponentModel.DataAnnotations.ValidationException>(() => database.Generator.GenerateAsync(options));
        Assert.False(await database.Generator.HasDataAsync());
    }

    [Fact]
    public async Task GenerateAsync_Midnight_StillHasTodayAndLastQuarterHourCalls()
    {
        // Five minutes after midnight in Berlin (22:05 UTC): "today" is almost empty and must still have calls.
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 8, 5, 22, 5, 0, TimeSpan.Zero));
        await using var database = TestDatabase.Sqlite(time);
        await database.MigrateAsync();
        await database.Generator.GenerateAsync(DemoDataAssertions.Small());

        var now = time.GetUtcNow().UtcDateTime;
        await using var db = database.CreateContext();
        var berlinMidnight = now.AddMinutes(-5);
        Assert.True(await db.Calls.CountAsync(c => c.CompanyId == 1 && c.StartedAt >= berlinMidnight && c.Status != CallStatus.Ongoing) > 0);
        Assert.Equal(0, await db.Calls.CountAsync(c => c.StartedAt > now || c.EndedAt > now));
    }
}
