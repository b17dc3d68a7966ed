using System.Globalization;
using AskProAI.Data;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Calls;

/// <summary>
/// Creates and changes appointments; one <c>SaveChanges</c> each, invalidated (or applied, ADR 0015/0022) by the change
/// tracker observers, tried again when the row changed under it (<see cref="ConcurrentWrites"/>).
/// </summary>
internal static class AppointmentEndpoints
{
    public static Task<Results<Created<AppointmentDto>, ProblemHttpResult, ValidationProblem>> CreateAsync(
        CreateAppointmentRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ConcurrentWrites.RunAsync<Results<Created<AppointmentDto>, ProblemHttpResult, ValidationProblem>>(
            db, loggers, "POST appointments", "call", () => CreateOnceAsync(request, company, db, time, cancellationToken), conflict => conflict);

    public static Task<Results<Ok<AppointmentDto>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        string appointmentId, UpdateAppointmentRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ConcurrentWrites.RunAsync<Results<Ok<AppointmentDto>, ProblemHttpResult, ValidationProblem>>(
            db, loggers, "PATCH appointments", "appointment", () => UpdateOnceAsync(appointmentId, request, company, db, time, cancellationToken), conflict => conflict);

    private static async Task<Results<Created<AppointmentDto>, ProblemHttpResult, ValidationProblem>> CreateOnceAsync(
        CreateAppointmentRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return CallEndpoints.MissingBody();
        }

        var check = new WriteValidation(db, company.Id);
        check.Required("branchId", request.BranchId);
        check.Required("staffId", request.StaffId);
        check.Required("customerId", request.CustomerId);
        check.Required("startsAt", request.StartsAt);
        check.Within("startsAt", request.StartsAt, time.GetUtcNow(), WriteValidation.MaxPast, WriteValidation.MaxAppointmentAhead);
        check.Required("priceCents", request.PriceCents);
        check.Range("priceCents", request.PriceCents, 0, WriteValidation.MaxPriceCents);
        var status = check.Enum<AppointmentStatus>("status", request.Status, AppointmentStatus.Scheduled);
        await check.BranchAsync("branchId", request.BranchId, cancellationToken);
        await check.StaffAsync("staffId", request.StaffId, cancellationToken);
        await check.CustomerAsync("customerId", request.CustomerId, cancellationToken);
        Call? call = null;
        if (request.CallId is { } callId)
        {
            call = await db.Calls.FirstOrDefaultAsync(c => c.Id == callId && c.CompanyId == company.Id, cancellationToken);
            if (call is null)
            {
                check.Add("callId", "No call of this company has this id.");
            }
        }

        if (!check.IsValid)
        {
            return check.Problem();
        }

        var appointment = new Appointment
        {
            CompanyId = company.Id,
            BranchId = request.BranchId!.Value,
            StaffId = request.StaffId!.Value,
            CustomerId = request.CustomerId!.Value,
            CallId = request.CallId,
            StartsAt = request.StartsAt!.Value.UtcDateTime,
            Status = status!.Value,
            PriceCents = request.PriceCents!.Value,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.Appointments.Add(appointment);
        if (call is not null)
        {
            call.AppointmentBooked = true;
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created(
            string.Create(CultureInfo.InvariantCulture, $"/api/companies/{company.Id}/appointments/{appointment.Id}"),
            AppointmentDto.From(appointment));
    }

    private static async Task<Results<Ok<AppointmentDto>, ProblemHttpResult, ValidationProblem>> UpdateOnceAsync(
        string appointmentId, UpdateAppointmentRequest? request, CurrentCompany company, AskProDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await company.FindAsync(db.Appointments, appointmentId, cancellationToken) is not { } appointment)
        {
            return CallEndpoints.NotFound("appointment");
        }

        if (request is null)
        {
            return CallEndpoints.MissingBody();
        }

        var check = new WriteValidation(db, company.Id);
        if (request is { Status: null, StartsAt: null, PriceCents: null })
        {
            check.Add(string.Empty, "Send at least one of status, startsAt and priceCents.");
        }

        var status = check.Enum<AppointmentStatus>("status", request.Status, appointment.Status);
        check.Within("startsAt", request.StartsAt, time.GetUtcNow(), WriteValidation.MaxPast, WriteValidation.MaxAppointmentAhead);
        check.Range("priceCents", request.PriceCents, 0, WriteValidation.MaxPriceCents);
        if (!check.IsValid)
        {
            return check.Problem();
        }

        appointment.Status = status!.Value;
        appointment.StartsAt = request.StartsAt?.UtcDateTime ?? appointment.StartsAt;
        appointment.PriceCents = request.PriceCents ?? appointment.PriceCents;
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(AppointmentDto.From(appointment));
    }
}
