using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>Bad input gets a 4xx ProblemDetails with a message; never a 500, never another tenant's data.</summary>
public sealed class BadInputTests(BadInputTests.Fixture app) : IClassFixture<BadInputTests.Fixture>
{
    private static readonly string[] WidgetNames = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    public static TheoryData<string> BadCompanyIds => new()
    {
        "abc", "0", "-1", "99999999999", "2147483648", "1.5", "1e3", "+1", "%201", "1%20", "0x10", "١", "%EF%BC%91",
    };

    [Theory]
    [MemberData(nameof(BadCompanyIds))]
    public async Task Widget_BadCompanyId_400(string companyId)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync($"/api/companies/{companyId}/widgets/dashboard_stats");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "positive whole number");
    }

    [Theory]
    [MemberData(nameof(BadCompanyIds))]
    public async Task Dashboard_BadCompanyId_400(string companyId)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync($"/api/companies/{companyId}/dashboard");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "positive whole number");
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("DASHBOARD_STATS")]
    [InlineData("dashboard_stats%20")]
    [InlineData("..%2F..%2Fdashboard")]
    [InlineData("%3Cscript%3Ealert(1)%3C%2Fscript%3E")]
    [InlineData("widget:live_calls:2:2025-08-06-14")]
    public async Task Widget_UnknownName_404WithTheList(string name)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync($"/api/companies/1/widgets/{name}");

        var body = await AssertProblemAsync(response, HttpStatusCode.NotFound, "Known widgets: dashboard_stats, live_calls, recent_calls, stats_overview");
        var list = (await Json.ReadAsync(response)).GetProperty("widgets").EnumerateArray().Select(w => w.GetString());
        Assert.Equal(WidgetNames, list);
        Assert.DoesNotContain("<script>", body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(5000)]
    public async Task Widget_VeryLongName_404(int length)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync($"/api/companies/1/widgets/{new string('a', length)}");

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "Known widgets");
    }

    [Theory]
    [InlineData("/api/companies/1/widgets/../dashboard")]
    [InlineData("/api/companies/1/widgets/../../2/dashboard")]
    [InlineData("/api/companies/../companies/2/widgets/live_calls")]
    [InlineData("/api/companies/2/widgets/%2E%2E/%2E%2E/1/dashboard")]
    public async Task DotSegments_AreResolvedBeforeRouting_NeverA500(string path)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.GetAsync(path);

        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(TestData.Company2Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Branch, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/companies/999/widgets/live_calls")]
    [InlineData("/api/companies/2147483647/dashboard")]
    public async Task UnknownCompany_SuperAdmin_404(string path)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync(path);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "No company has this id.");
    }

    [Theory]
    [InlineData("/api/companies/1/widgets")]
    [InlineData("/api/companies/1/widgets/live_calls/extra")]
    [InlineData("/api/nothing")]
    [InlineData("/api/companies/1")]
    public async Task UnknownRoute_404Problem(string path)
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Widget_WrongMethod_405NotA500()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.DeleteAsync("/api/companies/1/widgets/live_calls");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, body, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Anna Schmidt", body, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Cache"));
        return body;
    }

    public sealed class Fixture : WebAppFixture;
}
