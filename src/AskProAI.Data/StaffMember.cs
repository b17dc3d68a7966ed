namespace AskProAI.Data;

/// <summary>A person at a branch who serves appointments.</summary>
public class StaffMember
{
    /// <summary>Gets or sets the id.</summary>
    public int Id { get; set; }

    /// <summary>Gets or sets the owning company's id.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the id of the branch (of the same company) the staff member works at.</summary>
    public int BranchId { get; set; }

    /// <summary>Gets or sets the display name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Gets or sets the branch.</summary>
    public Branch? Branch { get; set; }
}
