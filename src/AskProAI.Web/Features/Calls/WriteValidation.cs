using AskProAI.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Calls;

/// <summary>Collects field errors of a write request; every id is checked to belong to the request's company.</summary>
internal sealed class WriteValidation(AskProDbContext db, int companyId)
{
    /// <summary>The longest external id accepted.</summary>
    public const int ExternalIdLength = 100;

    /// <summary>The largest duration accepted: one day.</summary>
    public const int MaxDurationSeconds = 86_400;

    /// <summary>The largest call cost accepted (cents).</summary>
    public const int MaxCostCents = 10_000_000;

    /// <summary>The largest appointment price accepted (cents).</summary>
    public const long MaxPriceCents = 100_000_000;

    /// <summary>How far back a call or appointment may lie: ten years.</summary>
    public static readonly TimeSpan MaxPast = TimeSpan.FromDays(3653);

    /// <summary>How far a call's start or end may lie ahead of the server clock (clock skew of the sender).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>How far ahead an appointment may be booked: two years.</summary>
    public static readonly TimeSpan MaxAppointmentAhead = TimeSpan.FromDays(731);

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    public ValidationProblem Problem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal),
        title: "The request is not valid");

    /// <summary>
    /// Whether an enum text is a plain name: ASCII letters only, so neither numbers (<c>"1"</c>) nor the comma lists
    /// <see cref="System.Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would combine (<c>"Scheduled, Completed"</c>) pass.
    /// </summary>
    public static bool IsName(string text) => text.Length is > 0 and <= 32 && text.All(char.IsAsciiLetter);

    /// <summary>Whether a text has no control characters (the same rule for the API and the webhooks).</summary>
    public static bool IsPrintable(string text) => !text.Any(char.IsControl);

    /// <summary>
    /// Checks the times of a finished call: the end not before the start, at most <see cref="MaxDurationSeconds"/>
    /// after it and not in the future; a talk time not longer than the call. Null when sane, else the field and message.
    /// </summary>
    public static (string Field, string Message)? CallTimes(DateTime startedAt, DateTime endedAt, int? durationSeconds, DateTimeOffset now)
    {
        if (endedAt < startedAt)
        {
            return ("endedAt", "The end must not be before the start.");
        }

        if (endedAt > now.UtcDateTime + ClockSkew)
        {
            return ("endedAt", "The end must not be in the future.");
        }

        var length = (endedAt - startedAt).TotalSeconds;
        if (length > MaxDurationSeconds)
        {
            return ("endedAt", $"A call lasts at most {MaxDurationSeconds} seconds.");
        }

        if (durationSeconds > Math.Ceiling(length))
        {
            return ("durationSeconds", "The talk time must not be longer than the time between start and end.");
        }

        return null;
    }

    /// <summary>Checks that an instant lies within <c>[now - past, now + ahead]</c>.</summary>
    public void Within(string field, DateTimeOffset? value, DateTimeOffset now, TimeSpan past, TimeSpan ahead)
    {
        if (value is not { } v)
        {
            return;
        }

        if (v > now + ahead)
        {
            Add(field, ahead <= ClockSkew ? "The time must not be in the future." : $"The time must be at most {ahead.TotalDays:0} days ahead.");
        }
        else if (v < now - past)
        {
            Add(field, $"The time must be at most {past.TotalDays:0} days ago.");
        }
    }

    /// <summary>Parses an enum by name (case-insensitive); numbers and comma lists are refused.</summary>
    public T? Enum<T>(string field, string? text, T? fallback, IReadOnlyCollection<T>? allowed = null)
        where T : struct, System.Enum
    {
        if (text is null)
        {
            if (fallback is null)
            {
                Add(field, "The field is required.");
            }

            return fallback;
        }

        if (!IsName(text) || !System.Enum.TryParse<T>(text, ignoreCase: true, out var value)
            || !System.Enum.IsDefined(value) || (allowed is not null && !allowed.Contains(value)))
        {
            var names = allowed?.Select(v => v.ToString()) ?? System.Enum.GetNames<T>();
            Add(field, $"Use one of: {string.Join(", ", names)}.");
            return null;
        }

        return value;
    }

    public T? Required<T>(string field, T? value)
        where T : struct
    {
        if (value is null)
        {
            Add(field, "The field is required.");
        }

        return value;
    }

    /// <summary>An ongoing call must have started within <see cref="Widgets.LiveCallsWidget.OngoingHorizon"/>: older, it would never count as live.</summary>
    public void OngoingStart(string field, CallStatus? status, DateTimeOffset? startedAt, DateTimeOffset now)
    {
        if (status == CallStatus.Ongoing && startedAt is { } start && start <= now - Widgets.LiveCallsWidget.OngoingHorizon)
        {
            Add(field, OngoingTooOld);
        }
    }

    /// <summary>The refusal of an ongoing call that started before the live horizon.</summary>
    public static string OngoingTooOld { get; } = string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"An ongoing call must have started within the last {Widgets.LiveCallsWidget.OngoingHorizon.TotalHours:0} hours; record an older call with its final status.");

    public void Range(string field, long? value, long min, long max)
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(field, $"The value must be between {min} and {max}.");
        }
    }

    public void Sentiment(string field, double? value)
    {
        if (value is { } v && (double.IsNaN(v) || v < -1 || v > 1))
        {
            Add(field, "The sentiment must be between -1 and 1.");
        }
    }

    public void ExternalId(string field, string? value)
    {
        if (value is not null && (value.Length is 0 or > ExternalIdLength || !IsPrintable(value)))
        {
            Add(field, $"The external id must be 1 to {ExternalIdLength} printable characters.");
        }
    }

    public async Task BranchAsync(string field, int? id, CancellationToken cancellationToken)
    {
        // Tracked, not AnyAsync: the new row's Branch navigation then carries the name its change is applied with (ADR 0015).
        if (id is { } v && await db.Branches.FirstOrDefaultAsync(b => b.Id == v && b.CompanyId == companyId, cancellationToken) is null)
        {
            Add(field, "No branch of this company has this id.");
        }
    }

    public async Task CustomerAsync(string field, int? id, CancellationToken cancellationToken)
    {
        if (id is { } v && !await db.Customers.AsNoTracking().AnyAsync(c => c.Id == v && c.CompanyId == companyId, cancellationToken))
        {
            Add(field, "No customer of this company has this id.");
        }
    }

    public async Task StaffAsync(string field, int? id, CancellationToken cancellationToken)
    {
        if (id is { } v && !await db.Staff.AsNoTracking().AnyAsync(s => s.Id == v && s.CompanyId == companyId, cancellationToken))
        {
            Add(field, "No staff member of this company has this id.");
        }
    }

    public async Task UniqueExternalIdAsync(string field, string? externalId, CancellationToken cancellationToken)
    {
        if (externalId is not null && await db.Calls.AsNoTracking().AnyAsync(c => c.CompanyId == companyId && c.ExternalId == externalId, cancellationToken))
        {
            Add(field, "A call of this company already has this external id.");
        }
    }
}
