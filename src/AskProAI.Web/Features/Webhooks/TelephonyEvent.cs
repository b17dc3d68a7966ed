namespace AskProAI.Web.Features.Webhooks;

/// <summary>
/// A call event from the telephony provider. The call is identified by (<see cref="CompanyId"/>,
/// <see cref="ExternalCallId"/>); fields left out keep their stored values.
/// </summary>
/// <param name="EventId">The provider's unique event id; a second delivery with it changes nothing.</param>
/// <param name="Type"><c>call_started</c>, <c>call_ended</c> or <c>call_analyzed</c>.</param>
/// <param name="CompanyId">The company the call belongs to.</param>
/// <param name="ExternalCallId">The provider's call id.</param>
/// <param name="BranchId">The branch (of the company); needed to create the call.</param>
/// <param name="CustomerId">The customer (of the company), if known by id.</param>
/// <param name="CustomerPhone">The caller's number; matched against the company's customers when no id is given.</param>
/// <param name="Direction"><c>inbound</c> (the default) or <c>outbound</c>.</param>
/// <param name="Status">For <c>call_ended</c>: <c>completed</c> (the default), <c>missed</c> or <c>failed</c>.</param>
/// <param name="StartedAt">When the call started; the default is now.</param>
/// <param name="EndedAt">When the call ended; the default is now.</param>
/// <param name="DurationSeconds">Talk time; the default is computed from the times for completed calls.</param>
/// <param name="CostCents">The cost in cents.</param>
/// <param name="Sentiment">The caller's sentiment, -1 to 1.</param>
/// <param name="AppointmentBooked">Whether the call booked an appointment.</param>
internal sealed record TelephonyEvent(
    string? EventId,
    string? Type,
    int? CompanyId,
    string? ExternalCallId,
    int? BranchId,
    int? CustomerId,
    string? CustomerPhone,
    string? Direction,
    string? Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? DurationSeconds,
    int? CostCents,
    double? Sentiment,
    bool? AppointmentBooked)
{
    /// <summary>The event types accepted.</summary>
    public static readonly IReadOnlyList<string> Types = [CallStarted, CallEnded, CallAnalyzed];

    public const string CallStarted = "call_started";
    public const string CallEnded = "call_ended";
    public const string CallAnalyzed = "call_analyzed";
}

/// <summary>The answer to a telephony webhook.</summary>
/// <param name="EventId">The event id.</param>
/// <param name="Result"><c>processed</c>, or <c>duplicate</c> for a delivery of an event processed before.</param>
/// <param name="CallId">The call created or changed; null for a duplicate.</param>
internal sealed record TelephonyWebhookResult(string EventId, string Result, long? CallId);

/// <summary>The body of <c>POST /webhooks/cache/invalidate</c>.</summary>
/// <param name="CompanyId">The company whose entries are invalidated.</param>
/// <param name="Tags">Tags, each narrowed to the company.</param>
internal sealed record CacheInvalidationRequest(int? CompanyId, IReadOnlyList<string?>? Tags);

/// <summary>The answer to a cache invalidation webhook.</summary>
/// <param name="CompanyId">The company.</param>
/// <param name="Tags">The tags invalidated, as narrowed.</param>
/// <param name="Widgets">The widgets of the company they selected.</param>
internal sealed record CacheInvalidationResult(int CompanyId, IReadOnlyList<string> Tags, IReadOnlyList<string> Widgets);
