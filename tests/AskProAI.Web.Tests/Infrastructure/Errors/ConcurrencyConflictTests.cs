using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AskProAI.Web.Tests.Infrastructure.Errors;

/// <summary>
/// A row version conflict on a path that does not read again by itself (<c>ConcurrentWrites</c>) is a 409
/// ProblemDetails with a clear message, logged (4610), never a 500. Forced on <c>POST /calls</c>: a trigger swallows the
/// insert, so the database reports 0 rows where EF Core expected 1 (<c>DbUpdateConcurrencyException</c>), as when
/// another request changed or deleted the row under a save. On SQLite and PostgreSQL.
/// </summary>
public abstract class ConcurrencyConflictTests(ConcurrencyConflictTests.Fixture app)
{
    [Fact]
    public async Task StrayConcurrencyConflict_409ProblemWithMessage_Logged_NothingStored()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        await ExecuteAsync(app.Provider == TestDatabaseProvider.Sqlite
            ? """CREATE TRIGGER "SwallowCall" BEFORE INSERT ON "Calls" WHEN NEW."ExternalId" = 'stray-conflict' BEGIN SELECT RAISE(IGNORE); END;"""
            : """
              CREATE FUNCTION swallow_call() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW."ExternalId" = 'stray-conflict' THEN RETURN NULL; END IF; RETURN NEW; END $$;
              CREATE TRIGGER "SwallowCall" BEFORE INSERT ON "Calls" FOR EACH ROW EXECUTE FUNCTION swallow_call();
              """);
        try
        {
            using var response = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId = "stray-conflict" });

            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await Json.ReadAsync(response);
            Assert.Equal(409, problem.GetProperty("status").GetInt32());
            Assert.Equal("Changed concurrently", problem.GetProperty("title").GetString());
            Assert.Contains("changed or deleted by another request", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.True(problem.TryGetProperty("traceId", out _));

            // Logged once, as a warning naming the route (its pattern, no ids) and the entity type; not as an unhandled error.
            var logged = Assert.Single(app.Logs.All, r => r.EventId.Id == 4610);
            Assert.Equal(LogLevel.Warning, logged.Level);
            Assert.Contains("POST /api/companies/{companyId}/calls", logged.Message, StringComparison.Ordinal);
            Assert.Contains("on Call ", logged.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(app.Logs.All, r => r.Level >= LogLevel.Error && r.Category.StartsWith("Microsoft.AspNetCore.Diagnostics", StringComparison.Ordinal));

            await using var scope = app.Services.CreateAsyncScope();
            Assert.False(await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.AnyAsync(c => c.ExternalId == "stray-conflict"));
        }
        finally
        {
            await ExecuteAsync(app.Provider == TestDatabaseProvider.Sqlite
                ? """DROP TRIGGER "SwallowCall";"""
                : """DROP TRIGGER "SwallowCall" ON "Calls"; DROP FUNCTION swallow_call();""");
        }

        // The same request on a quiet table is stored as usual.
        using var again = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", externalId = "stray-conflict" });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>The service with every log entry kept.</summary>
    public class Fixture(TestDatabaseProvider provider) : WebAppFixture(provider)
    {
        public LogRecords Logs { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        }
    }

    public sealed class Sqlite(Sqlite.F app) : ConcurrencyConflictTests(app), IClassFixture<Sqlite.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.Sqlite);
    }

    public sealed class PostgreSql(PostgreSql.F app) : ConcurrencyConflictTests(app), IClassFixture<PostgreSql.F>
    {
        public sealed class F() : Fixture(TestDatabaseProvider.PostgreSql);
    }
}
