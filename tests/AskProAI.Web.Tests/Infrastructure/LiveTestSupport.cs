using System.Net.Http.Json;
using System.Text;
using AskProAI.Web.Features.Webhooks;
using Microsoft.AspNetCore.Hosting;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>Webhook secrets for the tests, and signed requests.</summary>
internal static class SignedWebhooks
{
    public const string TelephonySecret = "test-telephony-secret-0123456789";
    public const string CacheSecret = "test-cache-secret-0123456789abcd";

    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:Telephony:Secret", TelephonySecret);
        builder.UseSetting("Webhooks:Cache:Secret", CacheSecret);
    }

    /// <summary>A request signed like the provider signs it: HMAC-SHA256 over "{timestamp}.{body}".</summary>
    public static HttpRequestMessage Signed(string path, string json, string secret, DateTimeOffset at, string? signature = null)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(json);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp);
        request.Headers.Add(WebhookSignature.SignatureHeader, signature ?? WebhookSignature.Sign(secret, timestamp, body));
        return request;
    }

    public static HttpRequestMessage Telephony(string json, DateTimeOffset at) => Signed("/webhooks/telephony", json, TelephonySecret, at);

    public static HttpRequestMessage CacheInvalidation(string json, DateTimeOffset at) => Signed("/webhooks/cache/invalidate", json, CacheSecret, at);
}

/// <summary>Reads widgets and their X-Cache header.</summary>
internal static class WidgetReads
{
    public static readonly string[] All = ["dashboard_stats", "live_calls", "recent_calls", "stats_overview"];

    public static async Task<string> CacheOfAsync(HttpClient client, int companyId, string widget)
    {
        using var response = await client.GetAsync($"/api/companies/{companyId}/widgets/{widget}");
        response.EnsureSuccessStatusCode();
        return Assert.Single(response.Headers.GetValues("X-Cache"));
    }

    /// <summary>Reads every widget until it is a HIT.</summary>
    public static async Task WarmAsync(HttpClient client, params int[] companies)
    {
        foreach (var company in companies)
        {
            foreach (var widget in All)
            {
                await CacheOfAsync(client, company, widget);
                Assert.Equal("HIT", await CacheOfAsync(client, company, widget));
            }
        }
    }

    /// <summary>The X-Cache of every widget of a company, by name.</summary>
    public static async Task<Dictionary<string, string>> OutcomesAsync(HttpClient client, int companyId)
    {
        var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var widget in All)
        {
            outcomes[widget] = await CacheOfAsync(client, companyId, widget);
        }

        return outcomes;
    }

    /// <summary>The X-Cache and the data JSON of every widget of a company, by name.</summary>
    public static async Task<Dictionary<string, (string Outcome, string Data)>> SnapshotAsync(HttpClient client, int companyId)
    {
        var snapshot = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var widget in All)
        {
            using var response = await client.GetAsync($"/api/companies/{companyId}/widgets/{widget}");
            response.EnsureSuccessStatusCode();
            var outcome = response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : "?";
            snapshot[widget] = (outcome, (await Json.ReadAsync(response)).GetRawText());
        }

        return snapshot;
    }

    public static async Task<System.Text.Json.JsonElement> ValueAsync(HttpClient client, int companyId, string widget) =>
        await Json.ReadAsync(await client.GetAsync($"/api/companies/{companyId}/widgets/{widget}"));

    public static Task<HttpResponseMessage> PostCallAsync(HttpClient client, int companyId, object body) =>
        client.PostAsJsonAsync($"/api/companies/{companyId}/calls", body);
}

/// <summary>The service with webhook secrets configured (TestServer).</summary>
public class WritableWebAppFixture : WebAppFixture
{
    public WritableWebAppFixture()
    {
    }

    protected WritableWebAppFixture(TestDatabaseProvider provider)
        : base(provider)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SignedWebhooks.Configure(builder);
    }
}

/// <summary>The service with webhook secrets configured, on Kestrel (SignalR clients, the browser).</summary>
public class WritableKestrelFixture : KestrelWebAppFixture
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SignedWebhooks.Configure(builder);
    }
}

/// <summary>The page-side script of the browser push measurements (one service, or instances behind the balancer).</summary>
internal static class LivePushScript
{
    // Sends the signed webhook from the page and resolves when the live widget's ongoing number shows the expected
    // value (a MutationObserver: the DOM is updated; the paint follows within a frame). Returns [ack ms, visible ms].
    public const string SendAndWatch = """
        async ({ body, timestamp, signature, expected }) => {
          const widget = document.querySelector("[data-widget='live_calls']");
          const value = () => widget.querySelector("[data-metric='ongoing'] .kpi-value")?.textContent.trim();
          const visible = new Promise(resolve => {
            const observer = new MutationObserver(() => {
              if (value() === expected) { observer.disconnect(); resolve(performance.now()); }
            });
            observer.observe(widget, { subtree: true, childList: true, characterData: true });
          });
          const sent = performance.now();
          const response = await fetch("/webhooks/telephony", {
            method: "POST",
            headers: { "Content-Type": "application/json", "X-AskPro-Timestamp": timestamp, "X-AskPro-Signature": signature },
            body,
          });
          if (!response.ok) throw new Error(`webhook answered ${response.status}`);
          const acknowledged = performance.now();
          const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`ongoing never showed ${expected}`)), 10000));
          const shown = await Promise.race([visible, timeout]);
          return [acknowledged - sent, shown - sent];
        }
        """;

    /// <summary>The ongoing-call number the page shows in the live widget.</summary>
    public static async Task<int> OngoingAsync(Microsoft.Playwright.IPage page) =>
        int.Parse((await page.InnerTextAsync("[data-widget='live_calls'] [data-metric='ongoing'] .kpi-value")).Trim(), System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.GetCultureInfo("en-US"));

    /// <summary>The nearest-rank percentile of measured values.</summary>
    public static double Percentile(List<double> values, int percentile)
    {
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }
}
