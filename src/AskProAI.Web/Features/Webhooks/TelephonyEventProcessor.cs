using AskProAI.Data;
using AskProAI.Web.Features.Calls;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Webhooks;

/// <summary>
/// Applies a telephony event exactly once: the event row and the call change are saved in one transaction, and the
/// event id, unique per company, makes a second delivery a no-op (the same body) or a 409 (a different one). The change tracker observers invalidate after the commit.
/// </summary>
internal sealed class TelephonyEventProcessor(
    AskProDbContext db, Tenancy.CompanyDirectory companies, TimeProvider time, ILogger<TelephonyEventProcessor> logger, ILoggerFactory loggers)
{
    /// <summary>Applies the event; a 400 problem when it cannot be applied.</summary>
    public async Task<IResult> ProcessAsync(TelephonyEvent e, string payload, CancellationToken cancellationToken)
    {
        if (Validate(e, time.GetUtcNow()) is { } invalid)
        {
            return SignedRequestReader.BadRequest(invalid);
        }

        var companyId = e.CompanyId!.Value;
        var eventId = e.EventId!;
        // The directory knows the companies (they are only ever added): no query of the event's own for it.
        if (!await companies.ExistsAsync(companyId, cancellationToken))
        {
            return SignedRequestReader.BadRequest("No company has this companyId.");
        }

        // A call changed by another event between this one's read and its save (the row version refuses the update,
        // ADR 0022) is read again and the event applied to what is there now, a bounded number of times.
        return await ConcurrentWrites.RunAsync(
            db, loggers, "webhooks/telephony", "call", () => ProcessOnceAsync(e, companyId, eventId, payload, cancellationToken), conflict => (IResult)conflict);
    }

    private async Task<IResult> ProcessOnceAsync(TelephonyEvent e, int companyId, string eventId, string payload, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await StoredPayloadAsync(companyId, eventId, cancellationToken) is { } stored)
        {
            return Duplicate(eventId, stored, payload);
        }

        var call = await db.Calls.FirstOrDefaultAsync(c => c.CompanyId == companyId && c.ExternalId == e.ExternalCallId, cancellationToken);
        var problem = e.Type switch
        {
            TelephonyEvent.CallStarted => await StartAsync(e, call, now, cancellationToken),
            TelephonyEvent.CallEnded => await EndAsync(e, call, now, cancellationToken),
            _ => Analyze(e, call),
        };
        if (problem is not null)
        {
            return SignedRequestReader.BadRequest(problem);
        }

        db.WebhookEvents.Add(new WebhookEvent
        {
            EventId = eventId,
            CompanyId = companyId,
            Type = e.Type!,
            ReceivedAt = now.UtcDateTime,
            ProcessedAt = now.UtcDateTime,
            Payload = payload,
        });

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception is not DbUpdateConcurrencyException)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();

            // A concurrent delivery of the same event won the unique index; this one changed nothing.
            if (await StoredPayloadAsync(companyId, eventId, CancellationToken.None) is not { } winner)
            {
                throw;
            }

            return Duplicate(eventId, winner, payload);
        }

        Log.WebhookProcessed(logger, "telephony", e.Type!);
        call = db.Calls.Local.FirstOrDefault(c => c.CompanyId == companyId && c.ExternalId == e.ExternalCallId);
        return TypedResults.Ok(new TelephonyWebhookResult(eventId, "processed", call?.Id));
    }

    private static string? Validate(TelephonyEvent e, DateTimeOffset now)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(e.EventId) || e.EventId.Length > WebhookEvent.EventIdLength || !WriteValidation.IsPrintable(e.EventId))
        {
            errors.Add($"eventId is required (at most {WebhookEvent.EventIdLength} printable characters).");
        }

        if (e.Type is null || !TelephonyEvent.Types.Contains(e.Type))
        {
            errors.Add($"type must be one of {string.Join(", ", TelephonyEvent.Types)}.");
        }

        if (e.CompanyId is not > 0)
        {
            errors.Add("companyId must be a positive integer.");
        }

        if (string.IsNullOrWhiteSpace(e.ExternalCallId) || e.ExternalCallId.Length > WriteValidation.ExternalIdLength || !WriteValidation.IsPrintable(e.ExternalCallId))
        {
            errors.Add($"externalCallId is required (at most {WriteValidation.ExternalIdLength} printable characters).");
        }

        if (e.DurationSeconds is < 0 or > WriteValidation.MaxDurationSeconds)
        {
            errors.Add($"durationSeconds must be between 0 and {WriteValidation.MaxDurationSeconds}.");
        }

        if (e.CostCents is < 0 or > WriteValidation.MaxCostCents)
        {
            errors.Add($"costCents must be between 0 and {WriteValidation.MaxCostCents}.");
        }

        if (e.Sentiment is { } s && (double.IsNaN(s) || s < -1 || s > 1))
        {
            errors.Add("sentiment must be between -1 and 1.");
        }

        if (e.CustomerPhone is { } phone && (phone.Length > 32 || !WriteValidation.IsPrintable(phone)))
        {
            errors.Add("customerPhone must be at most 32 printable characters.");
        }

        if (e.StartedAt is { } started && (started > now + WriteValidation.ClockSkew || started < now - WriteValidation.MaxPast))
        {
            errors.Add("startedAt must be at most 10 years ago and not in the future.");
        }

        if (e.EndedAt is { } ended && (ended > now + WriteValidation.ClockSkew || ended < now - WriteValidation.MaxPast))
        {
            errors.Add("endedAt must be at most 10 years ago and not in the future.");
        }

        return errors.Count == 0 ? null : string.Join(" ", errors);
    }

    private async Task<string?> StartAsync(TelephonyEvent e, Call? call, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!TryDirection(e.Direction, out var direction))
        {
            return "direction must be inbound or outbound.";
        }

        if (call is not null)
        {
            // A late or repeated start never moves an ended call back to ongoing.
            return null;
        }

        var startedAt = e.StartedAt ?? now;
        if (startedAt <= now - Widgets.LiveCallsWidget.OngoingHorizon)
        {
            return "startedAt: " + Calls.WriteValidation.OngoingTooOld;
        }

        return await CreateAsync(e, CallStatus.Ongoing, direction, startedAt.UtcDateTime, cancellationToken);
    }

    private async Task<string?> EndAsync(TelephonyEvent e, Call? call, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!TryEndStatus(e.Status, out var status))
        {
            return "status must be completed, missed or failed.";
        }

        if (!TryDirection(e.Direction, out var direction))
        {
            return "direction must be inbound or outbound.";
        }

        var endedAt = (e.EndedAt ?? now).UtcDateTime;
        if (call is null)
        {
            // The end arrived without a start we know of (lost or out of order): create the finished call.
            var startedAt = e.StartedAt?.UtcDateTime ?? endedAt.AddSeconds(-(e.DurationSeconds ?? 0));
            if (await CreateAsync(e, status, direction, startedAt, cancellationToken) is { } problem)
            {
                return problem;
            }

            call = db.Calls.Local.Single(c => c.ExternalId == e.ExternalCallId && c.CompanyId == e.CompanyId);
        }

        if (WriteValidation.CallTimes(call.StartedAt, endedAt, e.DurationSeconds, now) is { } times)
        {
            return $"{times.Field}: {times.Message}";
        }

        call.Status = status;
        call.EndedAt = endedAt;
        call.DurationSeconds = e.DurationSeconds
            ?? (status == CallStatus.Completed ? (int)Math.Min(WriteValidation.MaxDurationSeconds, (endedAt - call.StartedAt).TotalSeconds) : 0);
        Apply(e, call);
        return null;
    }

    private static string? Analyze(TelephonyEvent e, Call? call)
    {
        if (call is null)
        {
            return "No call of this company has this externalCallId.";
        }

        Apply(e, call);
        return null;
    }

    private static void Apply(TelephonyEvent e, Call call)
    {
        call.CostCents = e.CostCents ?? call.CostCents;
        call.Sentiment = e.Sentiment ?? call.Sentiment;
        call.AppointmentBooked = e.AppointmentBooked ?? call.AppointmentBooked;
    }

    private async Task<string?> CreateAsync(TelephonyEvent e, CallStatus status, CallDirection direction, DateTime startedAt, CancellationToken cancellationToken)
    {
        var companyId = e.CompanyId!.Value;
        if (e.BranchId is not { } branchId)
        {
            return "branchId is required to create a call.";
        }

        // Tracked, not AnyAsync: the new call's Branch navigation then carries the name its change is applied with (ADR 0015).
        if (await db.Branches.FirstOrDefaultAsync(b => b.Id == branchId && b.CompanyId == companyId, cancellationToken) is null)
        {
            return "No branch of this company has this branchId.";
        }

        var customerId = e.CustomerId;
        if (customerId is { } id && !await db.Customers.AsNoTracking().AnyAsync(c => c.Id == id && c.CompanyId == companyId, cancellationToken))
        {
            return "No customer of this company has this customerId.";
        }

        if (customerId is null && !string.IsNullOrWhiteSpace(e.CustomerPhone))
        {
            // An unknown number is an unknown caller, not an error.
            customerId = await db.Customers.AsNoTracking()
                .Where(c => c.CompanyId == companyId && c.Phone == e.CustomerPhone)
                .Select(c => (int?)c.Id)
                .FirstOrDefaultAsync(cancellationToken);
        }

        var call = new Call
        {
            CompanyId = companyId,
            BranchId = branchId,
            CustomerId = customerId,
            Direction = direction,
            Status = status,
            StartedAt = startedAt,
            ExternalId = e.ExternalCallId,
        };
        Apply(e, call);
        db.Calls.Add(call);
        return null;
    }

    /// <summary>The body stored with the company's event of this id, or null when it was not processed.</summary>
    private Task<string?> StoredPayloadAsync(int companyId, string eventId, CancellationToken cancellationToken) =>
        db.WebhookEvents.AsNoTracking()
            .Where(w => w.CompanyId == companyId && w.EventId == eventId)
            .Select(w => w.Payload)
            .FirstOrDefaultAsync(cancellationToken);

    /// <summary>A repeated delivery is acknowledged; a different event under a used id is a conflict, never dropped silently.</summary>
    private IResult Duplicate(string eventId, string stored, string payload)
    {
        if (!string.Equals(stored, payload, StringComparison.Ordinal))
        {
            Log.WebhookConflict(logger, "telephony");
            return TypedResults.Problem(
                title: "Event id reused",
                detail: "This company's event with this eventId was processed with a different body; send a new eventId.",
                statusCode: StatusCodes.Status409Conflict);
        }

        Log.WebhookDuplicate(logger, "telephony");
        return TypedResults.Ok(new TelephonyWebhookResult(eventId, "duplicate", null));
    }

    private static bool TryDirection(string? text, out CallDirection direction)
    {
        direction = CallDirection.Inbound;
        return text is null || (WriteValidation.IsName(text) && Enum.TryParse(text, ignoreCase: true, out direction) && Enum.IsDefined(direction));
    }

    private static bool TryEndStatus(string? text, out CallStatus status)
    {
        status = CallStatus.Completed;
        return text is null
            || (WriteValidation.IsName(text) && Enum.TryParse(text, ignoreCase: true, out status) && status is CallStatus.Completed or CallStatus.Missed or CallStatus.Failed);
    }
}
