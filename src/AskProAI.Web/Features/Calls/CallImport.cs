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
            if (item.StartedAt > now.AddMinutes(5))
            {
                check.Add(prefix + "startedAt", "The start must not be in the future.");
            }

            check.OngoingStart(prefix + "startedAt", status, item.StartedAt, now);
            if (item.EndedAt is { } end && (end < item.StartedAt || status == CallStatus.Ongoing))
            {
                check.Add(prefix + "endedAt", "An ended call ends after it starts; an ongoing call has no end.");
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
                    EndedAt = item.EndedAt?.UtcDateTime ?? (status == CallStatus.Ongoing ? null : item.StartedAt!.Value.UtcDateTime),
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
