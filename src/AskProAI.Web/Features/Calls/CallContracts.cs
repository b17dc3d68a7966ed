using AskProAI.Data;

namespace AskProAI.Web.Features.Calls;

/// <summary>The body of <c>POST /api/companies/{companyId}/calls</c>.</summary>
/// <param name="BranchId">The branch that takes the call (of the same company); required.</param>
/// <param name="CustomerId">The customer (of the same company), or null for an unknown caller.</param>
/// <param name="Direction"><c>Inbound</c> or <c>Outbound</c>; required.</param>
/// <param name="Status"><c>Ongoing</c> (the default), <c>Completed</c>, <c>Missed</c> or <c>Failed</c>.</param>
/// <param name="StartedAt">When the call started; the default is now.</param>
/// <param name="ExternalId">The telephony provider's call id, unique per company.</param>
internal sealed record CreateCallRequest(int? BranchId, int? CustomerId, string? Direction, string? Status, DateTimeOffset? StartedAt, string? ExternalId);

/// <summary>The body of <c>PATCH /api/companies/{companyId}/calls/{callId}</c>: ends the call.</summary>
/// <param name="Status"><c>Completed</c>, <c>Missed</c> or <c>Failed</c>; required.</param>
/// <param name="EndedAt">When the call ended; the default is now.</param>
/// <param name="DurationSeconds">Talk time; the default is the time between start and end for completed calls, else 0.</param>
/// <param name="CostCents">The cost in cents.</param>
/// <param name="Sentiment">The caller's sentiment, -1 to 1.</param>
/// <param name="AppointmentBooked">Whether the call booked an appointment.</param>
internal sealed record EndCallRequest(string? Status, DateTimeOffset? EndedAt, int? DurationSeconds, int? CostCents, double? Sentiment, bool? AppointmentBooked);

/// <summary>The body of <c>POST /api/companies/{companyId}/calls/end-ongoing</c>: a bulk update.</summary>
/// <param name="StartedBefore">Ends the ongoing calls started before this instant; required.</param>
/// <param name="Status"><c>Failed</c> (the default), <c>Completed</c> or <c>Missed</c>.</param>
internal sealed record EndOngoingCallsRequest(DateTimeOffset? StartedBefore, string? Status);

/// <summary>The body of <c>POST /api/companies/{companyId}/appointments</c>.</summary>
/// <param name="BranchId">The branch (of the same company); required.</param>
/// <param name="StaffId">The staff member (of the same company); required.</param>
/// <param name="CustomerId">The customer (of the same company); required.</param>
/// <param name="CallId">The call (of the same company) that booked it; it is then marked as having booked one.</param>
/// <param name="StartsAt">When the appointment starts; required.</param>
/// <param name="Status"><c>Scheduled</c> (the default), <c>Completed</c>, <c>Cancelled</c> or <c>NoShow</c>.</param>
/// <param name="PriceCents">The price in cents, 0 to 100,000,000; required.</param>
internal sealed record CreateAppointmentRequest(int? BranchId, int? StaffId, int? CustomerId, long? CallId, DateTimeOffset? StartsAt, string? Status, long? PriceCents);

/// <summary>The body of <c>PATCH /api/companies/{companyId}/appointments/{id}</c>; at least one field.</summary>
/// <param name="Status">The new status.</param>
/// <param name="StartsAt">The new start.</param>
/// <param name="PriceCents">The new price in cents.</param>
internal sealed record UpdateAppointmentRequest(string? Status, DateTimeOffset? StartsAt, long? PriceCents);

/// <summary>The body of <c>POST /api/companies/{companyId}/imports/calls</c>.</summary>
/// <param name="Calls">1 to 1,000 finished or ongoing calls.</param>
internal sealed record ImportCallsRequest(IReadOnlyList<ImportedCall?>? Calls);

/// <summary>One imported call.</summary>
/// <param name="BranchId">The branch (of the same company); required.</param>
/// <param name="CustomerId">The customer (of the same company), or null.</param>
/// <param name="Direction"><c>Inbound</c> or <c>Outbound</c>; required.</param>
/// <param name="Status">The status; required.</param>
/// <param name="StartedAt">When it started; required.</param>
/// <param name="EndedAt">When it ended (not for ongoing calls).</param>
/// <param name="DurationSeconds">Talk time in seconds.</param>
/// <param name="CostCents">Cost in cents.</param>
/// <param name="ExternalId">The provider's id, unique per company.</param>
internal sealed record ImportedCall(
    int? BranchId, int? CustomerId, string? Direction, string? Status, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, int? DurationSeconds, int? CostCents, string? ExternalId);

/// <summary>A stored call.</summary>
internal sealed record CallDto(
    long Id,
    int CompanyId,
    int BranchId,
    int? CustomerId,
    string Direction,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    int DurationSeconds,
    int CostCents,
    double? Sentiment,
    bool AppointmentBooked,
    string? ExternalId)
{
    /// <summary>Maps a call row.</summary>
    public static CallDto From(Call call) => new(
        call.Id,
        call.CompanyId,
        call.BranchId,
        call.CustomerId,
        call.Direction.ToString(),
        call.Status.ToString(),
        Utc(call.StartedAt),
        call.EndedAt is { } ended ? Utc(ended) : null,
        call.DurationSeconds,
        call.CostCents,
        call.Sentiment,
        call.AppointmentBooked,
        call.ExternalId);

    internal static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));
}

/// <summary>A stored appointment.</summary>
internal sealed record AppointmentDto(
    long Id,
    int CompanyId,
    int BranchId,
    int StaffId,
    int CustomerId,
    long? CallId,
    DateTimeOffset StartsAt,
    string Status,
    long PriceCents,
    DateTimeOffset CreatedAt)
{
    /// <summary>Maps an appointment row.</summary>
    public static AppointmentDto From(Appointment a) => new(
        a.Id, a.CompanyId, a.BranchId, a.StaffId, a.CustomerId, a.CallId, CallDto.Utc(a.StartsAt), a.Status.ToString(), a.PriceCents, CallDto.Utc(a.CreatedAt));
}
