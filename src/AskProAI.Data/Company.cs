namespace AskProAI.Data;

/// <summary>A tenant: every other row belongs to exactly one company.</summary>
public class Company
{
    /// <summary>Gets or sets the id; demo companies are numbered 1..N.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the IANA time zone the company's dashboard days and hours are counted in.</summary>
    /// <value>The default value is <c>Europe/Berlin</c>.</value>
    public string TimeZone { get; set; } = "Europe/Berlin";

    /// <summary>Gets or sets when the company was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
