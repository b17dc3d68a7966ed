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

    /// <summary>Gets or sets the ISO 4217 code of the currency the company's revenue is shown in.</summary>
    /// <value>The default value is <c>EUR</c>.</value>
    public string Currency { get; set; } = "EUR";

    /// <summary>Gets or sets the BCP 47 locale the company's dashboard formats numbers, money and dates in.</summary>
    /// <value>The default value is <c>de-DE</c>.</value>
    public string Locale { get; set; } = "de-DE";

    /// <summary>Gets or sets when the company was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
