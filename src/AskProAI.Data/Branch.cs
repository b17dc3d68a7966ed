namespace AskProAI.Data;

/// <summary>A location of a company; calls and appointments are taken by a branch.</summary>
public class Branch
{
    /// <summary>Gets or sets the id.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the owning company's id.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the city.</summary>
    public string City { get; set; } = string.Empty;
}
