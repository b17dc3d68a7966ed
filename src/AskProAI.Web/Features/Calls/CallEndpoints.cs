using System.Globalization;
using AskProAI.Data;
using AskProAI.Web.Features.Auth;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Calls;

/// <summary>
/// The write API staff and the telephony integration use, tenant-checked like the reads. Each request is one
/// <c>SaveChanges</c> (one transaction); the change tracker observers invalidate the affected widgets after commit,
/// and the two writes around the change tracker (end-ongoing, import) call <see cref="IWidgetInvalidator"/> after theirs.
/// </summary>
internal static class CallEndpoints
{
    private static readonly CallStatus[] EndStatuses = [CallStatus.Completed, CallStatus.Missed, CallStatus.Failed];

    /// <summary>
    /// Maps <c>POST /calls</c>, <c>PATCH /calls/{callId}</c>, <c>POST /calls/end-ongoing</c>, <c>POST /appointments</c>,
    /// <c>PATCH /appointments/{id}</c> and <c>POST /imports/calls</c> under <c>/api/companies/{companyId}</c>.
    /// </summary>
    public static RouteGroupBuilder MapCalls(this RouteGroupBuilder company)
    {
        var writes = company.MapGroup(string.Empty).RequireAntiforgeryForCookies();
        writes.MapPost("/calls", CreateCallAsync).WithName("CreateCall");
        writes.MapPatch("/calls/{callId}", EndCallAsync).WithName("EndCall");
        writes.MapPost("/calls/end-ongoing", EndOngoingCallsAsync).WithName("EndOngoingCalls");
        writes.MapPost("/appointments", AppointmentEndpoints.CreateAsync).WithName("CreateAppointment");
        writes.MapPatch("/appointments/{appointmentId}", AppointmentEndpoints.UpdateAsync).WithName("UpdateAppointment");
        writes.MapPost("/imports/calls", CallImport.ImportAsync)
            .WithName("ImportCalls")
            .WithMetadata(new RequestSizeLimitAttribute(CallImport.MaxBodyBytes));
        return company;
    }

    private static async Task<Results<Created<CallDto>, ProblemHttpResult, ValidationProblem>> CreateCallAsync(
        CreateCallRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return MissingBody();
        }

        var now = time.GetUtcNow();
        var check = new WriteValidation(db, company.Id);
        check.Required("branchId", request.BranchId);
        var direction = check.Enum<CallDirection>("direction", request.Direction, null);
        var status = check.Enum<CallStatus>("status", request.Status, CallStatus.Ongoing);
        check.ExternalId("externalId", request.ExternalId);
        check.Within("startedAt", request.StartedAt, now, WriteValidation.MaxPast, WriteValidation.ClockSkew);

        check.OngoingStart("startedAt", status, request.StartedAt, now);
        await check.BranchAsync("branchId", request.BranchId, cancellationToken);
        await check.CustomerAsync("customerId", request.CustomerId, cancellationToken);
        await check.UniqueExternalIdAsync("externalId", request.ExternalId, cancellationToken);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var startedAt = (request.StartedAt ?? now).UtcDateTime;
        var call = new Call
        {
            CompanyId = company.Id,
            BranchId = request.BranchId!.Value,
            CustomerId = request.CustomerId,
            Direction = direction!.Value,
            Status = status!.Value,
            StartedAt = startedAt,
            EndedAt = status == CallStatus.Ongoing ? null : startedAt,
            ExternalId = request.ExternalId,
        };
        db.Calls.Add(call);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(
            string.Create(CultureInfo.InvariantCulture, $"/api/companies/{company.Id}/calls/{call.Id}"),
            CallDto.From(call));
    }

    private static Task<Results<Ok<CallDto>, ProblemHttpResult, ValidationProblem>> EndCallAsync(
        string callId, EndCallRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ConcurrentWrites.RunAsync<Results<Ok<CallDto>, ProblemHttpResult, ValidationProblem>>(
            db, loggers, "PATCH calls", "call", () => EndCallOnceAsync(callId, request, company, db, time, cancellationToken), conflict => conflict);

    private static async Task<Results<Ok<CallDto>, ProblemHttpResult, ValidationProblem>> EndCallOnceAsync(
        string callId, EndCallRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await company.FindAsync(db.Calls, callId, cancellationToken) is not { } call)
        {
            return NotFound("call");
        }

        if (request is null)
        {
            return MissingBody();
        }

        var now = time.GetUtcNow();
        var check = new WriteValidation(db, company.Id);
        var status = check.Enum<CallStatus>("status", request.Status, null, EndStatuses);
        var endedAt = (request.EndedAt ?? now).UtcDateTime;
        if (WriteValidation.CallTimes(call.StartedAt, endedAt, request.DurationSeconds, now) is { } times)
        {
            check.Add(times.Field, times.Message);
        }

        check.Range("durationSeconds", request.DurationSeconds, 0, WriteValidation.MaxDurationSeconds);
        check.Range("costCents", request.CostCents, 0, WriteValidation.MaxCostCents);
        check.Sentiment("sentiment", request.Sentiment);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        call.Status = status!.Value;
        call.EndedAt = endedAt;
        call.DurationSeconds = request.DurationSeconds
            ?? (call.Status == CallStatus.Completed ? (int)Math.Min(WriteValidation.MaxDurationSeconds, (endedAt - call.StartedAt).TotalSeconds) : 0);
        call.CostCents = request.CostCents ?? call.CostCents;
        call.Sentiment = request.Sentiment ?? call.Sentiment;
        call.AppointmentBooked = request.AppointmentBooked ?? call.AppointmentBooked;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(CallDto.From(call));
    }

    /// <summary>A bulk update that bypasses the change tracker, so it invalidates explicitly after it committed.</summary>
    private static async Task<Results<Ok<EndOngoingCallsResult>, ProblemHttpResult, ValidationProblem>> EndOngoingCallsAsync(
        EndOngoingCallsRequest? request,
        CurrentCompany company,
        AskProDbContext db,
        IWidgetInvalidator invalidator,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return MissingBody();
        }

        var check = new WriteValidation(db, company.Id);
        var before = check.Required("startedBefore", request.StartedBefore);
        check.Within("startedBefore", request.StartedBefore, time.GetUtcNow(), WriteValidation.MaxPast, TimeSpan.FromDays(1));
        var status = check.Enum<CallStatus>("status", request.Status, CallStatus.Failed, EndStatuses);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        var cutoff = before!.Value.UtcDateTime;
        var endedAt = time.GetUtcNow().UtcDateTime;
        var newStatus = status!.Value;
        var ended = await db.Calls
            .Where(c => c.CompanyId == company.Id && c.Status == CallStatus.Ongoing && c.StartedAt < cutoff)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.Status, newStatus).SetProperty(c => c.EndedAt, endedAt).SetProperty(c => c.Version, c => c.Version + 1),
                cancellationToken);
        if (ended > 0)
        {
            await invalidator.InvalidateAsync(company.Id, typeof(Call));
        }

        return TypedResults.Ok(new EndOngoingCallsResult(ended));
    }

    internal static ProblemHttpResult NotFound(string what) => TypedResults.Problem(
        title: $"Unknown {what}",
        detail: $"This company has no {what} with this id.",
        statusCode: StatusCodes.Status404NotFound);

    internal static ProblemHttpResult MissingBody() => TypedResults.Problem(
        title: "Missing body",
        detail: "Send a JSON object.",
        statusCode: StatusCodes.Status400BadRequest);
}

/// <summary>The answer of <c>POST /calls/end-ongoing</c>.</summary>
/// <param name="Ended">The number of calls ended.</param>
internal sealed record EndOngoingCallsResult(int Ended);
