using System.Net;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Webhooks;

/// <summary><c>POST /webhooks/cache/invalidate</c>: signed, every tag narrowed to the company.</summary>
public sealed class CacheWebhookTests(CacheWebhookTests.Fixture app) : IClassFixture<CacheWebhookTests.Fixture>
{
    [Fact]
    public async Task LiveDataAndWidgetTag_NarrowedToCompany()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.CacheInvalidation(
            """{"companyId":1,"tags":["live_data","widget:stats_overview"]}""", app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(["company_data:1:live_data", "widget:stats_overview:1"], body.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        var outcomes = await WidgetReads.OutcomesAsync(admin, 1);
        Assert.Equal(("HIT", "MISS", "HIT", "MISS"), (outcomes["dashboard_stats"], outcomes["live_calls"], outcomes["recent_calls"], outcomes["stats_overview"]));
        Assert.All((await WidgetReads.OutcomesAsync(admin, 2)).Values, v => Assert.Equal("HIT", v));
    }

    [Fact]
    public async Task Widgets_NarrowedToCompanyData()
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.CacheInvalidation("""{"companyId":2,"tags":["widgets"]}""", app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All((await WidgetReads.OutcomesAsync(admin, 2)).Values, v => Assert.Equal("MISS", v));
        Assert.All((await WidgetReads.OutcomesAsync(admin, 1)).Values, v => Assert.Equal("HIT", v));
    }

    [Theory]
    [InlineData("""{"companyId":1,"tags":["company_data:2"]}""", "another company")]
    [InlineData("""{"companyId":1,"tags":["widget:live_calls:2"]}""", "another company")]
    [InlineData("""{"companyId":1,"tags":["bogus:tag"]}""", "Unknown tag")]
    [InlineData("""{"companyId":1,"tags":["company_data:1:warm"]}""", "not a data type")]
    [InlineData("""{"companyId":1,"tags":[]}""", "1 to 100 tags")]
    [InlineData("""{"companyId":99,"tags":["live_data"]}""", "No company")]
    [InlineData("""{"companyId":1,"tags":""", "not a valid JSON")]
    public async Task BadRequest_400WithTheParsersMessage(string json, string message)
    {
        using var admin = await app.ClientForAsync(TestData.AdminEmail);
        await WidgetReads.WarmAsync(admin, 1, 2);
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.CacheInvalidation(json, app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await Json.ReadAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.All((await WidgetReads.OutcomesAsync(admin, 1)).Values, v => Assert.Equal("HIT", v));
        Assert.All((await WidgetReads.OutcomesAsync(admin, 2)).Values, v => Assert.Equal("HIT", v));
    }

    [Fact]
    public async Task SignedWithTheTelephonySecret_401()
    {
        using var client = app.CreateClient();

        using var response = await client.SendAsync(SignedWebhooks.Signed(
            "/webhooks/cache/invalidate", """{"companyId":1,"tags":["widgets"]}""", SignedWebhooks.TelephonySecret, app.Time.GetUtcNow()));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    public sealed class Fixture : WritableWebAppFixture;
}
