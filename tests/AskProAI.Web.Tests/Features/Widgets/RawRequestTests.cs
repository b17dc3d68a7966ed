using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using AskProAI.Web.Tests.Infrastructure;

namespace AskProAI.Web.Tests.Features.Widgets;

/// <summary>Requests that only a real server receives (the in-memory test server refuses to send them): never a 500.</summary>
public sealed class RawRequestTests(RawRequestTests.Fixture app) : IClassFixture<RawRequestTests.Fixture>
{
    [Theory]
    [InlineData("/api/companies/%00/widgets/live_calls")]
    [InlineData("/api/companies/1%00/dashboard")]
    [InlineData("/api/companies/1/widgets/%00")]
    [InlineData("/api/companies/1/widgets/live_calls%00")]
    public async Task NullCharacterInPath_400(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(app.BaseAddress) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client));

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("/api/companies/1/widgets/../../2/dashboard")]
    [InlineData("/api/companies/1/widgets/%2e%2e/%2e%2e/2/dashboard")]
    [InlineData("/api/companies/1/../2/dashboard")]
    public async Task DotSegmentsSentVerbatim_NeverReachAnotherTenant(string path)
    {
        var uri = new Uri(app.BaseAddress);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        using var client = new HttpClient { BaseAddress = uri };
        var token = await TokenAsync(client);
        await using var stream = tcp.GetStream();
        var request = $"GET {path} HTTP/1.1\r\nHost: {uri.Authority}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();

        var status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(status, 400, 499);
        Assert.DoesNotContain(TestData.Company2Secret, response, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Company2Branch, response, StringComparison.Ordinal);
    }

    private static async Task<string> TokenAsync(HttpClient client)
    {
        using var login = await client.PostAsJsonAsync("/api/auth/login", new { email = TestData.Manager1Email, password = TestData.Password });
        login.EnsureSuccessStatusCode();
        return (await Json.ReadAsync(login)).GetProperty("accessToken").GetString()!;
    }

    public sealed class Fixture : KestrelWebAppFixture;
}
