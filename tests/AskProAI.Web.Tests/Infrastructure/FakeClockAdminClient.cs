using System.Net.Http.Json;

namespace AskProAI.Web.Tests.Infrastructure;

/// <summary>
/// A SuperAdmin client for tests that move the fake clock by hours: it logs in again before its bearer token (an hour)
/// expires on that clock.
/// </summary>
internal sealed class FakeClockAdminClient(WebAppFixture app) : IDisposable
{
    private HttpClient? _client;
    private DateTimeOffset _loggedInAt;

    /// <summary>A client whose token is not expired at the fake clock's now.</summary>
    public async Task<HttpClient> GetAsync()
    {
        var now = app.Time.GetUtcNow();
        if (_client is null || now - _loggedInAt > TimeSpan.FromMinutes(30))
        {
            _client?.Dispose();
            using var anonymous = app.CreateClient();
            using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = TestData.AdminEmail, password = TestData.Password });
            response.EnsureSuccessStatusCode();
            var token = (await Json.ReadAsync(response)).GetProperty("accessToken").GetString();
            _client = app.CreateClient();
            _client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            _loggedInAt = now;
        }

        return _client;
    }

    public void Dispose() => _client?.Dispose();
}
