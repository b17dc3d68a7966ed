using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Tenancy;

/// <summary>
/// Every route under <c>/api/companies/{companyId}</c>, found in the running service's route table (so routes added
/// later are covered without touching this test), refuses another company before its handler runs.
/// </summary>
public sealed partial class CompanyGroupTests(TenantIsolationTests.Fixture app) : IClassFixture<TenantIsolationTests.Fixture>
{
    [Fact]
    public async Task EveryCompanyRoute_OtherCompany_Forbidden403BeforeTheHandler()
    {
        var routes = CompanyRoutes();
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        // The widgets, the dashboard and the six writes at least: an empty table would prove nothing.
        Assert.True(routes.Count >= 8, $"Only {routes.Count} company routes found.");
        foreach (var (method, pattern) in routes)
        {
            var path = RouteValue().Replace(pattern.Replace("{companyId}", "2", StringComparison.Ordinal), "1");
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method != "GET")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain(TestData.Company2Secret, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    private List<(string Method, string Pattern)> CompanyRoutes() =>
    [
        .. app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/companies/{companyId}", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e.RoutePattern.RawText!))),
    ];

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteValue();
}
