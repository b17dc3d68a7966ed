namespace AskProAI.Data;

/// <summary>A phone call handled by the AI agent of a company's branch.</summary>
public class Call : ICompanyOwned, IVersioned
{
    /// <summary>Gets or sets the id; it grows with <see cref="StartedAt"/> in generated data.</summary>
    public long Id { get; set; }

    /// <summary>Gets or sets the owning company's id.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the id of the branch (of the same company) that took the call.</summary>
    public int BranchId { get; set; }

    /// <summary>Gets or sets the id of the customer (of the same company), or <see langword="null"/> for an unknown caller.</summary>
    public int? CustomerId { get; set; }

    /// <summary>Gets or sets the direction.</summary>
    public CallDirection Direction { get; set; }

    /// <summary>Gets or sets the status.</summary>
    public CallStatus Status { get; set; }

    /// <summary>Gets or sets when the call started (UTC).</summary>
    public DateTime StartedAt { get; set; }

    /// <summary>Gets or sets when the call ended (UTC), or <see langword="null"/> while it is ongoing.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>Gets or sets the talk time in seconds; 0 for missed and ongoing calls.</summary>
    public int DurationSeconds { get; set; }

    /// <summary>Gets or sets the cost in euro cents (integer money: SQLite cannot sum decimals in SQL).</summary>
    public int CostCents { get; set; }

    /// <summary>Gets or sets the sentiment from -1 (negative) to 1 (positive), or <see langword="null"/> when not analysed.</summary>
    public double? Sentiment { get; set; }

    /// <summary>Gets or sets a value indicating whether the call booked an appointment.</summary>
    public bool AppointmentBooked { get; set; }

    /// <summary>Gets or sets the telephony provider's call id, unique per company when set.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Gets or sets the row version (a concurrency token, incremented by every update; see <see cref="IVersioned"/>).</summary>
    public int Version { get; set; }

    /// <summary>Gets or sets the branch.</summary>
    public Branch? Branch { get; set; }

    /// <summary>Gets or sets the customer.</summary>
    public Customer? Customer { get; set; }
}
