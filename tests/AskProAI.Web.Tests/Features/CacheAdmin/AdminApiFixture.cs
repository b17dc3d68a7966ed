using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.CacheAdmin;

/// <summary>The service with an admin API token configured; helpers for the admin API and for waiting on jobs.</summary>
public class AdminApiFixture : WebAppFixture
{
    public const string AdminToken = "test-admin-token-7f3a";

    public AdminApiFixture()
    {
    }

    protected AdminApiFixture(string databasePath)
        : base(databasePath)
    {
    }

    /// <summary>A client carrying the admin API token.</summary>
    public HttpClient AdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>A client of a user with a token issued now (tokens issued before the fake clock moved may have expired).</summary>
    public async Task<HttpClient> FreshClientForAsync(string email)
    {
        using var anonymous = CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/auth/login", new { email, password = TestData.Password });
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.RootElement.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>Waits (in real time, bounded) until a job is finished, and returns its status.</summary>
    public async Task<JsonElement> WaitForJobAsync(HttpClient admin, string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var job = await Json.ReadAsync(await admin.GetAsync($"/api/admin/cache/jobs/{jobId}"));
            var state = job.GetProperty("state").GetString();
            if (state is "completed" or "failed")
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} still {state} after 30 s.");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits (in real time, bounded) for a tracked job of a kind to finish.</summary>
    internal async Task<CacheJob> WaitForJobOfKindAsync(string kind)
    {
        var jobs = Services.GetRequiredService<CacheJobTracker>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (jobs.Recent().FirstOrDefault(j => j.Kind == kind) is { IsFinished: true } job)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No finished {kind} job after 30 s.");
            await Task.Delay(20);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Admin:ApiToken", AdminToken);
    }
}
