using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Tenancy;

/// <summary>A manager sees only their company; a SuperAdmin sees every company.</summary>
public sealed class TenantIsolationTests(TenantIsolationTests.Fixture app) : IClassFixture<TenantIsolationTests.Fixture>
{
    public static TheoryData<string> Paths => new()
    {
        "/api/companies/2/widgets/dashboard_stats",
        "/api/companies/2/widgets/live_calls",
        "/api/companies/2/widgets/recent_calls",
        "/api/companies/2/widgets/stats_overview",
        "/api/companies/2/widgets/no_such_widget",
        "/api/companies/2/dashboard",
        "/api/companies/3/dashboard",
        "/api/companies/999/dashboard",
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Manager1_OtherCompany_Forbidden403WithoutData(string path)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TestData.Company2Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Branch, body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Cache"));
    }

    [Fact]
    public async Task Manager1_OwnDashboard_HasNoOtherTenantData()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.GetAsync("/api/companies/1/dashboard");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Anna Schmidt", body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Branch, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manager2_Company1_Forbidden()
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);

        using var response = await client.GetAsync("/api/companies/1/widgets/recent_calls");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain("Anna Schmidt", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SuperAdmin_BothCompanies_SeesEach()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        var one = await client.GetStringAsync("/api/companies/1/widgets/recent_calls");
        var two = await client.GetStringAsync("/api/companies/2/widgets/recent_calls");

        Assert.Contains("Anna Schmidt", one, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Secret, one, StringComparison.Ordinal);
        Assert.Contains(TestData.Company2Secret, two, StringComparison.Ordinal);
        Assert.DoesNotContain("Anna Schmidt", two, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Companies_Manager_ListsOnlyOwnCompany()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        var list = await Json.ReadAsync(await client.GetAsync("/api/companies"));

        var ids = list.GetProperty("companies").EnumerateArray().Select(c => c.GetProperty("id").GetInt32());
        Assert.Equal([1], ids);
        Assert.Equal(1, list.GetProperty("ownCompanyId").GetInt32());
    }

    [Fact]
    public async Task Companies_SuperAdmin_ListsEveryCompany()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        var list = await Json.ReadAsync(await client.GetAsync("/api/companies"));

        var ids = list.GetProperty("companies").EnumerateArray().Select(c => c.GetProperty("id").GetInt32());
        Assert.Equal([1, 2, 3], ids);
    }

    public sealed class Fixture : WebAppFixture;
}
