namespace AskProAI.Data;

/// <summary>A caller known to a company.</summary>
public class Customer
{
    /// <summary>Gets or sets the id.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the owning company's id.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the phone number (E.164 style, with spaces).</summary>
    public string Phone { get; set; } = string.Empty;
}
