using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;

namespace AskProAI.Web.Tests.Infrastructure.Health;

/// <summary>SQLite locked by another connection: writes fail fast with 503 and Retry-After, and /health says Unhealthy.</summary>
public sealed class DatabaseTroubleTests(DatabaseTroubleTests.Fixture app) : IClassFixture<DatabaseTroubleTests.Fixture>
{
    [Fact]
    public async Task DatabaseLocked_Write503WithRetryAfter_HealthUnhealthy_ThenBothRecover()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        using var warm = await client.GetAsync("/api/companies/1/dashboard"); // the token's session check is cached now
        Assert.Equal(HttpStatusCode.OK, warm.StatusCode);

        await using (var locker = new SqliteConnection($"Data Source={app.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }

            using var write = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId = "locked-1" });
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
            Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
            Assert.True(write.Headers.Contains("Retry-After"));

            using var health = await app.CreateClient().GetAsync("/health");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("Unhealthy", (await Json.ReadAsync(health)).GetProperty("status").GetString());

            await using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync();
        }

        using var retried = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId = "locked-1" });
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        using var healthy = await app.CreateClient().GetAsync("/health");
        Assert.Equal("Healthy", (await Json.ReadAsync(healthy)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task DatabaseFileGone_HealthUnhealthy_WriteNotAcknowledged()
    {
        await using var other = new Fixture();
        await other.InitializeAsync();
        using var client = await other.ClientForAsync(TestData.Manager1Email);
        using (var before = await other.CreateClient().GetAsync("/health"))
        {
            Assert.Equal("Healthy", (await Json.ReadAsync(before)).GetProperty("status").GetString());
        }

        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(other.DatabasePath + suffix);
        }

        using var health = await other.CreateClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

        // The pooled connections still hold the unlinked file; a write into it would be acknowledged and then lost.
        using var write = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId = "gone-1" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
        Assert.False(File.Exists(other.DatabasePath), "the write must not have created a new, empty database file");
    }

    public sealed class Fixture : WritableWebAppFixture;
}
