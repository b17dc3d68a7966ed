using System.Data.Common;
using AskProAI.Data;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Calls;

/// <summary>
/// <c>POST /api/companies/{companyId}/imports/calls</c>: inserts calls with raw SQL in one transaction, around the
/// change tracker, so it invalidates the company's call widgets itself once the transaction committed.
/// </summary>
internal static class CallImport
{
    /// <summary>The most calls one request may import.</summary>
    public const int MaxCalls = 1000;

    /// <summary>
    /// The largest body accepted: 1,000 calls of the longest form (escaped external ids) fit. The server stops reading
    /// at this size (413), so an oversized import is refused while it streams in, not after it was read whole.
    /// </summary>
    public const long MaxBodyBytes = 2 * 1024 * 1024;

    public static async Task<Results<Ok<ImportCallsResult>, ProblemHttpResult, ValidationProblem>> ImportAsync(
        ImportCallsRequest? request, CurrentCompany company, AskProDbContext db, IWidgetInvalidator invalidator, TimeProvider time, CancellationToken cancellationToken)
    {
        var check = new WriteValidation(db, company.Id);
        if (request?.Calls is not { Count: > 0 and <= MaxCalls } calls)
        {
            check.Add("calls", $"Send 1 to {MaxCalls} calls.");
            return check.Problem();
        }

        var now = time.GetUtcNow();
        var branches = (await db.Branches.AsNoTracking().Where(b => b.CompanyId == company.Id).Select(b => b.Id).ToListAsync(cancellationToken)).ToHashSet();
        var wantedCustomers = calls.Where(c => c?.CustomerId is not null).Select(c => c!.CustomerId!.Value).Distinct().ToList();
        var customers = (await db.Customers.AsNoTracking()
            .Where(c => c.CompanyId == company.Id && wantedCustomers.Contains(c.Id))
            .Select(c => c.Id)
            .ToListAsync(cancellationToken)).ToHashSet();
        var externalIds = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<Call>(calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            var prefix = $"calls[{i}].";
            if (calls[i] is not { } item)
            {
                check.Add($"calls[{i}]", "The call is missing.");
                continue;
            }

            check.Required(prefix + "branchId", item.BranchId);
            if (item.BranchId is { } branch && !branches.Contains(branch))
            {
                check.Add(prefix + "branchId", "No branch of this company has this id.");
            }

            if (item.CustomerId is { } customer && !customers.Contains(customer))
            {
                check.Add(prefix + "customerId", "No customer of this company has this id.");
            }

            var direction = check.Enum<CallDirection>(prefix + "direction", item.Direction, null);
            var status = check.Enum<CallStatus>(prefix + "status", item.Status, null);
            check.Required(prefix + "startedAt", item.StartedAt);
            check.Within(prefix + "startedAt", item.StartedAt, now, WriteValidation.MaxPast, WriteValidation.ClockSkew);
            check.OngoingStart(prefix + "startedAt", status, item.StartedAt, now);
            DateTime? endedAt = null;
            if (status == CallStatus.Ongoing)
            {
                if (item.EndedAt is not null)
                {
                    check.Add(prefix + "endedAt", "An ongoing call has no end.");
                }
            }
            else if (item.StartedAt is { } start)
            {
                // Without an end, a finished call ends when its talk time is over.
                endedAt = item.EndedAt?.UtcDateTime ?? start.UtcDateTime.AddSeconds(Math.Clamp(item.DurationSeconds ?? 0, 0, WriteValidation.MaxDurationSeconds));
                if (WriteValidation.CallTimes(start.UtcDateTime, endedAt.Value, item.DurationSeconds, now) is { } times)
                {
                    check.Add(prefix + times.Field, times.Message);
                }
            }

            check.Range(prefix + "durationSeconds", item.DurationSeconds, 0, WriteValidation.MaxDurationSeconds);
            check.Range(prefix + "costCents", item.CostCents, 0, WriteValidation.MaxCostCents);
            check.ExternalId(prefix + "externalId", item.ExternalId);
            if (item.ExternalId is not null && !externalIds.Add(item.ExternalId))
            {
                check.Add(prefix + "externalId", "The external id appears twice in this import.");
            }

            if (check.IsValid)
            {
                rows.Add(new Call
                {
                    CompanyId = company.Id,
                    BranchId = item.BranchId!.Value,
                    CustomerId = item.CustomerId,
                    Direction = direction!.Value,
                    Status = status!.Value,
                    StartedAt = item.StartedAt!.Value.UtcDateTime,
                    EndedAt = endedAt,
                    DurationSeconds = item.DurationSeconds ?? 0,
                    CostCents = item.CostCents ?? 0,
                    ExternalId = item.ExternalId,
                });
            }
        }

        if (externalIds.Count > 0)
        {
            var ids = externalIds.ToList();
            var taken = await db.Calls.AsNoTracking()
                .Where(c => c.CompanyId == company.Id && c.ExternalId != null && ids.Contains(c.ExternalId))
                .Select(c => c.ExternalId!)
                .ToListAsync(cancellationToken);
            foreach (var id in taken)
            {
                check.Add("calls", $"A call of this company already has the external id '{id}'.");
            }
        }

        if (!check.IsValid)
        {
            return check.Problem();
        }

        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            foreach (var c in rows)
            {
                // Plain SQL that both providers accept; the values travel as parameters.
                await db.Database.ExecuteSqlAsync(
                    $"""
                    INSERT INTO "Calls" ("CompanyId", "BranchId", "CustomerId", "Direction", "Status", "StartedAt", "EndedAt", "DurationSeconds", "CostCents", "AppointmentBooked", "ExternalId")
                    VALUES ({c.CompanyId}, {c.BranchId}, {c.CustomerId}, {(int)c.Direction}, {(int)c.Status}, {c.StartedAt}, {c.EndedAt}, {c.DurationSeconds}, {c.CostCents}, {false}, {c.ExternalId})
                    """,
                    cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbException)
        {
            // A concurrent import took an external id between the check and the insert; nothing was stored.
            return TypedResults.Problem(
                title: "Import conflict",
                detail: "Another write took one of the external ids; nothing was imported. Retry the import.",
                statusCode: StatusCodes.Status409Conflict);
        }

        await invalidator.InvalidateAsync(company.Id, typeof(Call));
        return TypedResults.Ok(new ImportCallsResult(rows.Count));
    }
}

/// <summary>The answer of an import.</summary>
/// <param name="Imported">The number of calls stored.</param>
internal sealed record ImportCallsResult(int Imported);
