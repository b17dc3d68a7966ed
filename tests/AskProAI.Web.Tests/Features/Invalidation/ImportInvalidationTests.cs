using System.Net;
using System.Net.Http.Json;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Invalidation;

/// <summary>
/// A write around the change tracker: the import endpoint (raw SQL) invalidates its company's call widgets after
/// its commit, and a refused import (400, 403) invalidates nothing. On SQLite and on PostgreSQL.
/// </summary>
public abstract class ImportInvalidationTests(WebAppFixture app)
{
    [Fact]
    public async Task Import_Success_InvalidatesCallWidgetsOfThatCompanyOnly()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        var before = (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32();

        using var response = await admin.PostAsJsonAsync("/api/companies/1/imports/calls", new
        {
            calls = new object[]
            {
                new { branchId = 11, direction = "Inbound", status = "Ongoing", startedAt = TestData.Now.AddMinutes(-1), externalId = "imp-1" },
                new { branchId = 12, customerId = 11, direction = "Outbound", status = "Completed", startedAt = TestData.Now.AddMinutes(-10), endedAt = TestData.Now.AddMinutes(-8), durationSeconds = 120, costCents = 20 },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await Json.ReadAsync(response)).GetProperty("imported").GetInt32());
        foreach (var widget in WidgetReads.All)
        {
            Assert.Equal("MISS", await WidgetReads.CacheOfAsync(admin, 1, widget));
            Assert.Equal("HIT", await WidgetReads.CacheOfAsync(admin, 2, widget));
        }

        Assert.Equal(before + 1, (await WidgetReads.ValueAsync(admin, 1, "live_calls")).GetProperty("ongoing").GetInt32());
    }

    [Fact]
    public async Task Import_BranchOfAnotherCompany_400AndNothingInvalidated()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1);

        using var response = await admin.PostAsJsonAsync("/api/companies/1/imports/calls", new
        {
            calls = new object[]
            {
                new { branchId = 11, direction = "Inbound", status = "Ongoing", startedAt = TestData.Now },
                new { branchId = 21, direction = "Inbound", status = "Ongoing", startedAt = TestData.Now },
            },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json.ReadAsync(response)).GetProperty("errors").TryGetProperty("calls[1].branchId", out _));
        foreach (var widget in WidgetReads.All)
        {
            Assert.Equal("HIT", await WidgetReads.CacheOfAsync(admin, 1, widget));
        }
    }

    [Fact]
    public async Task Import_ManagerOfAnotherCompany_403AndNothingInvalidated()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        using var manager1 = await app.ClientForAsync(TestData.Manager1Email);
        await WidgetReads.WarmAsync(admin, 2);

        using var response = await manager1.PostAsJsonAsync("/api/companies/2/imports/calls", new
        {
            calls = new object[] { new { branchId = 21, direction = "Inbound", status = "Ongoing", startedAt = TestData.Now } },
        });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        foreach (var widget in WidgetReads.All)
        {
            Assert.Equal("HIT", await WidgetReads.CacheOfAsync(admin, 2, widget));
        }
    }

    public sealed class Sqlite(Sqlite.Fixture app) : ImportInvalidationTests(app), IClassFixture<Sqlite.Fixture>
    {
        public sealed class Fixture : WritableWebAppFixture;
    }

    public sealed class PostgreSql(PostgreSql.Fixture app) : ImportInvalidationTests(app), IClassFixture<PostgreSql.Fixture>
    {
        public sealed class Fixture() : WritableWebAppFixture(TestDatabaseProvider.PostgreSql);
    }
}
