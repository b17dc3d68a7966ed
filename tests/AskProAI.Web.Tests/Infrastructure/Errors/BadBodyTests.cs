using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AskProAI.Web.Tests.Features.CacheAdmin;
using Microsoft.AspNetCore.Hosting;

namespace AskProAI.Web.Tests.Infrastructure.Errors;

/// <summary>
/// Every route that takes a body, with every kind of broken body: a 4xx ProblemDetails, never a 500; a value that does
/// not bind or is out of range names its field. Runs in the production-like Testing environment and in Development
/// (where minimal APIs used to throw the framework's exception into a 500).
/// </summary>
public abstract class BadBodyTests(BadBodyTests.Fixture app)
{
    /// <summary>The routes taking a JSON body and who may call them.</summary>
    public static readonly TheoryData<string, string, string> Routes = new()
    {
        { "POST", "/api/auth/login", "anonymous" },
        { "POST", "/api/auth/refresh", "anonymous" },
        { "POST", "/api/companies/1/calls", "manager" },
        { "PATCH", "/api/companies/1/calls/101", "manager" },
        { "POST", "/api/companies/1/calls/end-ongoing", "manager" },
        { "POST", "/api/companies/1/appointments", "manager" },
        { "PATCH", "/api/companies/1/appointments/1005", "manager" },
        { "POST", "/api/companies/1/imports/calls", "manager" },
        { "POST", "/api/admin/cache/clear", "admin" },
        { "POST", "/api/admin/cache/invalidate", "admin" },
        { "POST", "/api/admin/cache/warm", "admin" },
        { "POST", "/api/admin/cache/mode", "admin" },
        { "POST", "/webhooks/telephony", "telephony" },
        { "POST", "/webhooks/cache/invalidate", "cache" },
    };

    /// <summary>Bodies no route accepts.</summary>
    public static readonly string[] BrokenBodies =
    [
        "{not json",
        "[]",
        "42",
        "\"text\"",
        "{\"a\":",
        "{\"a\":1}}",
        "{\"company\":99999999999,\"companyId\":99999999999,\"branchId\":99999999999,\"email\":1,\"calls\":7,\"tags\":7,\"mode\":7}",
        "\uFEFF\uFEFF{}",
    ];

    public static TheoryData<string, string, string, string> EveryRouteWithEveryBrokenBody()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var route in Routes)
        {
            foreach (var body in BrokenBodies)
            {
                data.Add((string)route[0], (string)route[1], (string)route[2], body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryRouteWithEveryBrokenBody))]
    public async Task BrokenBody_4xxProblemDetails(string method, string path, string caller, string body)
    {
        using var response = await SendAsync(method, path, caller, body);

        AssertProblem(response, body);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task WrongContentType_4xxProblemDetails(string method, string path, string caller)
    {
        if (caller is "telephony" or "cache")
        {
            return; // the webhooks read the raw signed bytes whatever the content type says
        }

        using var response = await SendAsync(method, path, caller, "{}", "text/plain");

        AssertProblem(response, "{} as text/plain");
    }

    [Theory]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":\"abc\",\"direction\":\"Inbound\"}", "branchId")]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":99999999999,\"direction\":\"Inbound\"}", "branchId")]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":11,\"direction\":\"Inbound\",\"startedAt\":\"yesterday\"}", "startedAt")]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":11,\"direction\":\"Inbound\",\"startedAt\":\"0001-01-01T00:00:00Z\"}", "startedAt")]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":11,\"direction\":\"Inbound, Outbound\"}", "direction")]
    [InlineData("POST", "/api/companies/1/calls", "{\"branchId\":11,\"direction\":\"Inbound\",\"externalId\":\"a\\u0007b\"}", "externalId")]
    [InlineData("PATCH", "/api/companies/1/calls/101", "{\"status\":\"Completed\",\"endedAt\":\"9999-12-31T00:00:00Z\"}", "endedAt")]
    [InlineData("PATCH", "/api/companies/1/calls/101", "{\"status\":\"Completed\",\"durationSeconds\":86400}", "durationSeconds")]
    [InlineData("PATCH", "/api/companies/1/calls/101", "{\"status\":\"Completed\",\"costCents\":1e20}", "costCents")]
    [InlineData("PATCH", "/api/companies/1/calls/101", "{\"status\":\"Completed\",\"sentiment\":\"NaN\"}", "sentiment")]
    [InlineData("PATCH", "/api/companies/1/calls/101", "{\"status\":\"Completed, Failed\"}", "status")]
    [InlineData("POST", "/api/companies/1/calls/end-ongoing", "{\"startedBefore\":\"9999-01-01T00:00:00Z\"}", "startedBefore")]
    [InlineData("POST", "/api/companies/1/calls/end-ongoing", "{\"startedBefore\":true}", "startedBefore")]
    [InlineData("POST", "/api/companies/1/appointments", "{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"startsAt\":\"2025-08-08T10:00:00Z\",\"priceCents\":1,\"status\":\"Scheduled, Completed\"}", "status")]
    [InlineData("POST", "/api/companies/1/appointments", "{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"startsAt\":\"9999-08-08T10:00:00Z\",\"priceCents\":1}", "startsAt")]
    [InlineData("PATCH", "/api/companies/1/appointments/1005", "{\"priceCents\":\"x\"}", "priceCents")]
    [InlineData("PATCH", "/api/companies/1/appointments/1005", "{\"status\":\"1\"}", "status")]
    [InlineData("POST", "/api/companies/1/imports/calls", "{\"calls\":[{\"startedAt\":\"not a date\"}]}", "calls[0].startedAt")]
    [InlineData("POST", "/api/companies/1/imports/calls", "{\"calls\":[{\"branchId\":11,\"direction\":\"Inbound\",\"status\":\"Completed\",\"startedAt\":\"2025-08-06T10:00:00Z\",\"endedAt\":\"9999-01-01T00:00:00Z\"}]}", "calls[0].endedAt")]
    [InlineData("POST", "/api/companies/1/imports/calls", "{\"calls\":[{\"branchId\":11,\"direction\":\"Inbound\",\"status\":\"Completed\",\"startedAt\":\"2025-08-06T10:00:00Z\",\"endedAt\":\"2025-08-06T10:01:00Z\",\"durationSeconds\":3600}]}", "calls[0].durationSeconds")]
    public async Task BadValue_400ValidationProblemNamingTheField(string method, string path, string body, string field)
    {
        using var response = await SendAsync(method, path, "manager", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await Json.ReadAsync(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"no error for '{field}' in {errors}");
        Assert.NotEmpty(messages.EnumerateArray().Select(m => m.GetString()));
    }

    [Theory]
    [InlineData("{\"eventId\":\"evt\\u0001\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\",\"branchId\":11}")]
    [InlineData("{\"eventId\":\"evt-c1\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\\u001b\",\"branchId\":11}")]
    [InlineData("{\"eventId\":\"evt-c2\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\",\"branchId\":11,\"direction\":\"inbound, outbound\"}")]
    [InlineData("{\"eventId\":\"evt-c3\",\"type\":\"call_started\",\"companyId\":1,\"externalCallId\":\"x\",\"branchId\":11,\"startedAt\":\"0001-01-01T00:00:00Z\"}")]
    [InlineData("{\"eventId\":\"evt-c4\",\"type\":\"call_ended\",\"companyId\":1,\"externalCallId\":\"call-101\",\"endedAt\":\"9999-01-01T00:00:00Z\"}")]
    [InlineData("{\"eventId\":\"evt-c5\",\"type\":\"call_ended\",\"companyId\":1,\"externalCallId\":\"call-101\",\"durationSeconds\":86400}")]
    [InlineData("{\"eventId\":\"evt-c6\",\"type\":\"call_ended\",\"companyId\":1,\"externalCallId\":\"call-101\",\"status\":\"1\"}")]
    public async Task Webhook_LooseValue_400(string json)
    {
        using var response = await SendAsync("POST", "/webhooks/telephony", "telephony", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace((await Json.ReadAsync(response)).GetProperty("detail").GetString()));
    }

    private static void AssertProblem(HttpResponseMessage response, string what)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri} with {what}: {status}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string caller, string body, string contentType = "application/json")
    {
        using var client = caller switch
        {
            "manager" => await app.ClientForAsync(TestData.Manager1Email),
            "admin" => app.AdminClient(),
            _ => app.CreateClient(),
        };
        HttpRequestMessage request;
        if (caller is "telephony" or "cache")
        {
            request = SignedWebhooks.Signed(path, body, caller == "telephony" ? SignedWebhooks.TelephonySecret : SignedWebhooks.CacheSecret, app.Time.GetUtcNow());
        }
        else
        {
            request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using (request)
        {
            return await client.SendAsync(request);
        }
    }

    /// <summary>The service with an admin token and webhook secrets.</summary>
    public class Fixture : AdminApiFixture
    {
        public Fixture()
        {
        }

        protected Fixture(string databasePath)
            : base(databasePath)
        {
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            SignedWebhooks.Configure(builder);
        }
    }

    /// <summary>The same service in Development, on a database seeded by a Testing host first (Development would generate demo data into an empty one).</summary>
    public sealed class DevelopmentFixture : Fixture
    {
        protected override string EnvironmentName => "Development";

        public override async Task InitializeAsync()
        {
            await using (var seeded = new SeedingFixture(DatabasePath) { DeleteDatabaseOnDispose = false })
            {
                await seeded.InitializeAsync();
            }

            _ = Services;
        }

        private sealed class SeedingFixture(string databasePath) : Fixture(databasePath);
    }
}

/// <summary><see cref="BadBodyTests"/> in the production-like Testing environment.</summary>
public sealed class BadBodyTestingTests(BadBodyTests.Fixture app) : BadBodyTests(app), IClassFixture<BadBodyTests.Fixture>;

/// <summary><see cref="BadBodyTests"/> in Development.</summary>
public sealed class BadBodyDevelopmentTests(BadBodyTests.DevelopmentFixture app) : BadBodyTests(app), IClassFixture<BadBodyTests.DevelopmentFixture>;
