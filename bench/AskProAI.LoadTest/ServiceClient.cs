using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AskProAI.LoadTest;

/// <summary>The service's HTTP API as the simulator uses it, round-robin over instances.</summary>
internal sealed class ServiceClient : IDisposable
{
    private readonly HttpClient[] _clients;
    private readonly HttpClient[] _metricsClients;
    private readonly LoadOptions _options;
    private int _next;

    public ServiceClient(LoadOptions options)
    {
        _options = options;
        _clients = options.Urls.Select(u => new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 512,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        { BaseAddress = u, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
        _metricsClients = options.InstanceUrls.Count == 0
            ? _clients
            : options.InstanceUrls.Select(u => new HttpClient { BaseAddress = u, Timeout = TimeSpan.FromSeconds(30) }).ToArray();
    }

    public int Instances => _clients.Length;

    /// <summary>Gets how many instances are scraped for <c>/metrics</c> (<see cref="LoadOptions.MetricsUrls"/>).</summary>
    public int MetricsInstances => _metricsClients.Length;

    private HttpClient Any() => _clients[(int)((uint)Interlocked.Increment(ref _next) % _clients.Length)];

    public HttpClient Instance(int i) => _clients[i % _clients.Length];

    public async Task LoginAsync(CancellationToken ct)
    {
        using var response = await _clients[0].PostAsJsonAsync("/api/auth/login", new { email = _options.Email, password = _options.Password }, ct);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["accessToken"]!.GetValue<string>();
        foreach (var c in _clients)
        {
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Task<JsonObject> AdminAsync(HttpMethod method, string path, object? body, CancellationToken ct, int instance = 0) =>
        AdminAsync(Instance(instance), method, path, body, ct);

    /// <summary>
    /// Reads one instance's cache statistics from that instance itself: through its own address when
    /// <c>--instance-url</c> names the instances (the <c>--url</c> may be a balancer), else through <c>--url</c>'s.
    /// </summary>
    public Task<JsonObject> InstanceStatsAsync(int instance, CancellationToken ct) =>
        AdminAsync(_metricsClients[instance], HttpMethod.Get, "/api/admin/cache/stats", null, ct);

    private async Task<JsonObject> AdminAsync(HttpClient client, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AdminToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) as JsonObject ?? [];
    }

    /// <summary>Reads the dashboard; returns the latency, the status code and each widget's cache outcome.</summary>
    public async Task<(double Ms, int Status, Dictionary<string, string> Outcomes)> DashboardAsync(int company, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await Any().GetAsync($"/api/companies/{company}/dashboard", HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var outcomes = new Dictionary<string, string>();
        if (response.IsSuccessStatusCode)
        {
            using var doc = JsonDocument.Parse(bytes);
            foreach (var w in doc.RootElement.GetProperty("widgets").EnumerateObject())
            {
                outcomes[w.Name] = w.Value.GetProperty("cache").GetString() ?? "?";
            }
        }

        return (ms, (int)response.StatusCode, outcomes);
    }

    /// <summary>Reads one widget; returns the latency, the status code, the X-Cache header and the body.</summary>
    public async Task<(double Ms, int Status, string Cache, byte[] Body)> WidgetAsync(int company, string widget, CancellationToken ct, HttpClient? client = null)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await (client ?? Any()).GetAsync($"/api/companies/{company}/widgets/{widget}", HttpCompletionOption.ResponseContentRead, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var cache = response.Headers.TryGetValues("X-Cache", out var v) ? v.First() : "?";
        return (ms, (int)response.StatusCode, cache, bytes);
    }

    /// <summary>
    /// Sends a signed <c>call_started</c> telephony webhook; returns whether it was acknowledged (2xx), the status code
    /// and the service's <c>result</c> (<c>processed</c>, or <c>duplicate</c> for an event id it had already stored).
    /// </summary>
    public Task<(bool Ok, int Status, string? Result)> CallStartedAsync(int company, string eventId, string externalCallId, CancellationToken ct, HttpClient? client = null) =>
        // Demo data gives company c the branches (c - 1) * 5 + 1 .. c * 5 (DemoDataOptions.BranchesPerCompany = 5).
        TelephonyAsync(JsonSerializer.Serialize(new
        {
            eventId,
            type = "call_started",
            companyId = company,
            externalCallId,
            branchId = ((company - 1) * 5) + 1,
            direction = "inbound",
        }), ct, client);

    /// <summary>
    /// Sends a signed <c>call_ended</c> webhook for a call started before: <c>completed</c> (the service takes the
    /// duration from the start and the end) or <c>missed</c>.
    /// </summary>
    public Task<(bool Ok, int Status, string? Result)> CallEndedAsync(int company, string eventId, string externalCallId, bool missed, CancellationToken ct, HttpClient? client = null) =>
        TelephonyAsync(JsonSerializer.Serialize(new
        {
            eventId,
            type = "call_ended",
            companyId = company,
            externalCallId,
            status = missed ? "missed" : "completed",
        }), ct, client);

    private async Task<(bool Ok, int Status, string? Result)> TelephonyAsync(string body, CancellationToken ct, HttpClient? client)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(_options.WebhookSecret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/telephony") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-AskPro-Timestamp", timestamp);
        request.Headers.Add("X-AskPro-Signature", "sha256=" + signature);
        using var response = await (client ?? Any()).SendAsync(request, ct);
        string? result = null;
        if (response.IsSuccessStatusCode)
        {
            // The 2xx is the acknowledgement; an unreadable body does not undo it.
            try
            {
                result = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["result"]?.GetValue<string>();
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or HttpRequestException)
            {
                result = "unreadable";
            }
        }

        return (response.IsSuccessStatusCode, (int)response.StatusCode, result);
    }

    /// <summary>Reads one instance's Prometheus scrape endpoint (anonymous), by its position in <see cref="LoadOptions.MetricsUrls"/>.</summary>
    public async Task<string> MetricsAsync(int instance, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        using var response = await _metricsClients[instance].SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode
            ? text
            : throw new HttpRequestException($"GET /metrics answered {(int)response.StatusCode}", null, response.StatusCode);
    }

    public void Dispose()
    {
        foreach (var c in _clients.Union(_metricsClients))
        {
            c.Dispose();
        }
    }
}
