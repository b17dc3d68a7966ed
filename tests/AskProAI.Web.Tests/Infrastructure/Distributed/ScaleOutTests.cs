using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AskProAI.Web.Features.Webhooks;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AskProAI.Web.Tests.Infrastructure.Distributed;

/// <summary>
/// Three instances as on three hosts (<c>scripts/scale-out.sh</c>: each in its own network namespace with its own
/// HOME, content root and data folder, PostgreSQL and Redis over veth links) behind nginx with the sample
/// configuration. Needs <c>ASKPRO_TEST_BALANCER</c> and <c>ASKPRO_TEST_INSTANCES</c> (scripts/test.sh sets them) and
/// fails when they are missing.
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    private const string Email = "manager1@askpro.test";
    private const string Password = "demo-password";
    private const string TelephonySecret = "dev-telephony-webhook-secret";
    private const int MeasuredEvents = 60;

    [Fact]
    public async Task TokenAndCookie_IssuedByAnyInstance_AcceptedByEveryOther()
    {
        var instances = ScaleOut.Instances;
        foreach (var issuer in instances)
        {
            var token = await TokenAsync(issuer);
            var cookie = await LoginCookieAsync(issuer);
            foreach (var other in instances)
            {
                using var client = new HttpClient { BaseAddress = new Uri(other) };
                using var withToken = new HttpRequestMessage(HttpMethod.Get, "/api/companies");
                withToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var tokenResponse = await client.SendAsync(withToken);
                Assert.True(tokenResponse.StatusCode == HttpStatusCode.OK, $"a token of {issuer} got {tokenResponse.StatusCode} from {other}");

                using var withCookie = new HttpRequestMessage(HttpMethod.Get, "/api/companies/1/widgets/live_calls");
                withCookie.Headers.Add("Cookie", cookie);
                using var cookieResponse = await client.SendAsync(withCookie);
                Assert.True(cookieResponse.StatusCode == HttpStatusCode.OK, $"a cookie of {issuer} got {cookieResponse.StatusCode} from {other}");
            }
        }
    }

    [Fact]
    public async Task Dashboard_ThroughTheBalancer_ShowsWritesMadeThroughAnyInstance_Measured()
    {
        var balancer = ScaleOut.Balancer;
        await using var session = await ChromiumPage.OpenAsync();
        var page = session.Page;
        await page.GotoAsync(balancer + "/login");
        await session.LogInAsync(balancer, Email, Password);
        await page.WaitForSelectorAsync("[data-widget='live_calls'][data-loaded='true']");
        await page.WaitForSelectorAsync("#dashboard[data-live='on']"); // the WebSocket went through nginx
        var ongoing = await LivePushScript.OngoingAsync(page);
        var run = Guid.NewGuid().ToString("N")[..8];

        for (var i = 0; i < 3; i++)
        {
            await SendAsync(page, $"scale-warm-{run}-{i}", ++ongoing);
        }

        var acks = new List<double>();
        var visible = new List<double>();
        for (var i = 0; i < MeasuredEvents; i++)
        {
            var (ack, shown) = await SendAsync(page, $"scale-{run}-{i}", ++ongoing);
            acks.Add(ack);
            visible.Add(shown);
        }

        Assert.Equal(ongoing, await LivePushScript.OngoingAsync(page));
        var report = string.Create(
            CultureInfo.InvariantCulture,
            $"{DateTimeOffset.UtcNow:u} instances={ScaleOut.Instances.Count} via nginx round-robin; events={MeasuredEvents} "
            + $"ack p50={LivePushScript.Percentile(acks, 50):F1} ms p99={LivePushScript.Percentile(acks, 99):F1} ms; "
            + $"write->visible p50={LivePushScript.Percentile(visible, 50):F1} ms p99={LivePushScript.Percentile(visible, 99):F1} ms max={visible.Max():F1} ms");
        output.WriteLine(report);
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "scale-out-event-to-visible.txt"), report + Environment.NewLine);
    }

    private static async Task<(double AckMs, double VisibleMs)> SendAsync(IPage page, string eventId, int expected)
    {
        var body = $$"""{"eventId":"{{eventId}}","type":"call_started","companyId":1,"externalCallId":"{{eventId}}","branchId":1}""";
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = WebhookSignature.Sign(TelephonySecret, timestamp, Encoding.UTF8.GetBytes(body));
        var result = await page.EvaluateAsync<double[]>(
            LivePushScript.SendAndWatch,
            new { body, timestamp, signature, expected = expected.ToString(CultureInfo.InvariantCulture) });
        return (result[0], result[1]);
    }


    private static async Task<string> TokenAsync(string instance)
    {
        using var client = new HttpClient { BaseAddress = new Uri(instance) };
        using var response = await client.PostAsJsonAsync("/api/auth/login", new { email = Email, password = Password });
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"login at {instance}: {response.StatusCode}");
        return (await Json.ReadAsync(response)).GetProperty("accessToken").GetString()!;
    }

    private static async Task<string> LoginCookieAsync(string instance)
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(instance) };
        using var login = await CookieClients.PostLoginFormAsync(client, Email, Password);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = handler.CookieContainer.GetCookies(new Uri(instance)).Single(c => c.Name == "askpro.auth");
        return cookie.Name + "=" + cookie.Value;
    }

    /// <summary>The scaled-out deployment <c>scripts/scale-out.sh</c> started.</summary>
    private static class ScaleOut
    {
        public static string Balancer => Required("ASKPRO_TEST_BALANCER").TrimEnd('/');

        public static IReadOnlyList<string> Instances
        {
            get
            {
                var instances = Required("ASKPRO_TEST_INSTANCES").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.True(instances.Length >= 2, "ASKPRO_TEST_INSTANCES must name at least two instances.");
                return instances;
            }
        }

        private static string Required(string variable)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            Assert.False(
                string.IsNullOrWhiteSpace(value),
                $"{variable} is not set: start the instances in network namespaces behind nginx with `scripts/scale-out.sh start DIR` "
                + "and source DIR/scale-out.env (scripts/test.sh does both, as root).");
            return value!;
        }
    }
}
