using System.Net;
using System.Net.Http.Json;
using AskProAI.Data;
using AskProAI.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AskProAI.Web.Tests.Features.Calls;

/// <summary>The write API: calls and appointments, validation, tenant checks, nothing partial stored.</summary>
public sealed class CallWriteTests(CallWriteTests.Fixture app) : IClassFixture<CallWriteTests.Fixture>
{
    [Fact]
    public async Task CreateCall_Defaults_201WithStoredOngoingCallStartedNow()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, customerId = 12, direction = "Inbound", externalId = "w-create-1" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/companies/1/calls/{id}", response.Headers.Location!.OriginalString);
        Assert.Equal("Ongoing", body.GetProperty("status").GetString());
        Assert.Equal(TestData.Now, body.GetProperty("startedAt").GetDateTimeOffset());
        var stored = await FindCallAsync(id);
        Assert.Equal((1, 11, 12, CallStatus.Ongoing, "w-create-1"), (stored!.CompanyId, stored.BranchId, stored.CustomerId, stored.Status, stored.ExternalId));
    }

    [Theory]
    [InlineData("{\"branchId\":21,\"direction\":\"Inbound\"}", "branchId")]
    [InlineData("{\"branchId\":11,\"customerId\":21,\"direction\":\"Inbound\"}", "customerId")]
    [InlineData("{\"branchId\":11,\"direction\":\"Sideways\"}", "direction")]
    [InlineData("{\"branchId\":11,\"direction\":\"1\"}", "direction")]
    [InlineData("{\"branchId\":11}", "direction")]
    [InlineData("{\"direction\":\"Inbound\"}", "branchId")]
    [InlineData("{\"branchId\":11,\"direction\":\"Inbound\",\"status\":\"Paused\"}", "status")]
    [InlineData("{\"branchId\":11,\"direction\":\"Inbound\",\"externalId\":\"call-101\"}", "externalId")]
    [InlineData("{\"branchId\":11,\"direction\":\"Inbound\",\"startedAt\":\"2030-01-01T00:00:00Z\"}", "startedAt")]
    public async Task CreateCall_InvalidField_400WithFieldMessageAndNothingStored(string json, string field)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var before = await CountCallsAsync();

        using var response = await client.PostAsync("/api/companies/1/calls", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response)).GetProperty("errors");
        Assert.NotEmpty(errors.GetProperty(field).EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(before, await CountCallsAsync());
    }

    [Fact]
    public async Task CreateCall_MalformedJson_400()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PostAsync("/api/companies/1/calls", new StringContent("{\"branchId\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task CreateCall_ManagerOfAnotherCompany_403AndNothingStored()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var before = await CountCallsAsync();

        using var response = await client.PostAsJsonAsync("/api/companies/2/calls", new { branchId = 21, direction = "Inbound" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(before, await CountCallsAsync());
    }

    [Fact]
    public async Task CreateCall_SuperAdminForCompany2_201()
    {
        using var client = await app.ClientForAsync(TestData.AdminEmail);

        using var response = await client.PostAsJsonAsync("/api/companies/2/calls", new { branchId = 21, direction = "Outbound" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, (await Json.ReadAsync(response)).GetProperty("companyId").GetInt32());
    }

    [Fact]
    public async Task CreateCall_Anonymous_401()
    {
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task EndCall_DefaultsFromTimes_200WithDurationAndStatus()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        using var created = await client.PostAsJsonAsync("/api/companies/1/calls", new { branchId = 11, direction = "Inbound", startedAt = TestData.Now.AddMinutes(-3) });
        var id = (await Json.ReadAsync(created)).GetProperty("id").GetInt64();

        using var response = await client.PatchAsJsonAsync($"/api/companies/1/calls/{id}", new { status = "Completed", costCents = 42, sentiment = 0.7, appointmentBooked = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal(180, body.GetProperty("durationSeconds").GetInt32());
        var stored = await FindCallAsync(id);
        Assert.Equal((CallStatus.Completed, 180, 42, 0.7, true), (stored!.Status, stored.DurationSeconds, stored.CostCents, stored.Sentiment, stored.AppointmentBooked));
    }

    [Theory]
    [InlineData("{\"status\":\"Ongoing\"}", "status")]
    [InlineData("{\"status\":\"Completed\",\"sentiment\":2}", "sentiment")]
    [InlineData("{\"status\":\"Completed\",\"durationSeconds\":-1}", "durationSeconds")]
    [InlineData("{\"status\":\"Completed\",\"endedAt\":\"2025-08-06T14:00:00Z\"}", "endedAt")]
    public async Task EndCall_InvalidField_400AndCallUnchanged(string json, string field)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PatchAsync("/api/companies/1/calls/101", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json.ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(CallStatus.Ongoing, (await FindCallAsync(101))!.Status);
    }

    [Theory]
    [InlineData("999999")]
    [InlineData("201")] // company 2's call through company 1's URL
    [InlineData("abc")]
    public async Task EndCall_UnknownCall_404(string callId)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PatchAsJsonAsync($"/api/companies/1/calls/{callId}", new { status = "Completed" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateAppointment_WithCall_201AndCallMarkedBooked()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PostAsJsonAsync(
            "/api/companies/1/appointments",
            new { branchId = 11, staffId = 11, customerId = 11, callId = 103, startsAt = TestData.Now.AddDays(2), priceCents = 4200 });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("Scheduled", body.GetProperty("status").GetString());
        Assert.Equal(TestData.Now, body.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True((await FindCallAsync(103))!.AppointmentBooked);
    }

    [Theory]
    [InlineData("{\"branchId\":11,\"staffId\":21,\"customerId\":11,\"startsAt\":\"2025-08-08T10:00:00Z\",\"priceCents\":1}", "staffId")]
    [InlineData("{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"callId\":201,\"startsAt\":\"2025-08-08T10:00:00Z\",\"priceCents\":1}", "callId")]
    [InlineData("{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"startsAt\":\"2025-08-08T10:00:00Z\",\"priceCents\":-5}", "priceCents")]
    [InlineData("{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"priceCents\":1}", "startsAt")]
    [InlineData("{\"branchId\":11,\"staffId\":11,\"customerId\":11,\"startsAt\":\"2025-08-08T10:00:00Z\",\"priceCents\":1,\"status\":\"Maybe\"}", "status")]
    public async Task CreateAppointment_InvalidField_400AndNothingStored(string json, string field)
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);
        var before = await CountAppointmentsAsync();

        using var response = await client.PostAsync("/api/companies/1/appointments", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await Json.ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _));
        Assert.Equal(before, await CountAppointmentsAsync());
    }

    [Fact]
    public async Task UpdateAppointment_Status_200AndStored()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var response = await client.PatchAsJsonAsync("/api/companies/1/appointments/1005", new { status = "Completed", priceCents = 2600 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Completed", (await Json.ReadAsync(response)).GetProperty("status").GetString());
        await using var scope = app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Appointments.AsNoTracking().SingleAsync(a => a.Id == 1005);
        Assert.Equal((AppointmentStatus.Completed, 2600L), (stored.Status, stored.PriceCents));
    }

    [Fact]
    public async Task UpdateAppointment_OfAnotherCompanyOrUnknown_404()
    {
        using var client = await app.ClientForAsync(TestData.Manager1Email);

        using var other = await client.PatchAsJsonAsync("/api/companies/1/appointments/2001", new { status = "Cancelled" });
        using var unknown = await client.PatchAsJsonAsync("/api/companies/1/appointments/424242", new { status = "Cancelled" });

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task UpdateAppointment_ManagerOfAnotherCompany_403()
    {
        using var client = await app.ClientForAsync(TestData.Manager2Email);

        using var response = await client.PatchAsJsonAsync("/api/companies/1/appointments/1001", new { status = "Cancelled" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<Call?> FindCallAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id);
    }

    private async Task<int> CountCallsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Calls.CountAsync();
    }

    private async Task<int> CountAppointmentsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<AskProDbContext>().Appointments.CountAsync();
    }

    public sealed class Fixture : WritableWebAppFixture;
}
