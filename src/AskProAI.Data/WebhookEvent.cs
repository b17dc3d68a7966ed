namespace AskProAI.Data;

/// <summary>
/// A webhook delivery that was processed, stored in the same transaction as the change it made: its
/// <see cref="EventId"/> is unique, so a retried delivery of the same event is recognised and changes nothing.
/// </summary>
public class WebhookEvent
{
    /// <summary>The longest event id accepted.</summary>
    public const int EventIdLength = 100;

    /// <summary>The longest event type accepted.</summary>
    public const int TypeLength = 50;

    /// <summary>Gets or sets the id.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the sender's event id, unique across all events.</summary>
    public string EventId { get; set; } = string.Empty;

    /// <summary>Gets or sets the company the event was about.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the event type, e.g. <c>call_started</c>.</summary>
    public string Type { get; set; } = string.Empty;

    /// <summary>Gets or sets when the delivery was received (UTC).</summary>
    public DateTime ReceivedAt { get; set; }

    /// <summary>Gets or sets when the event was applied (UTC), or <see langword="null"/> while it is not.</summary>
    public DateTime? ProcessedAt { get; set; }

    /// <summary>Gets or sets the raw JSON body as received.</summary>
    public string Payload { get; set; } = string.Empty;
}
