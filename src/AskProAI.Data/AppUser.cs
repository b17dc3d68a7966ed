using Microsoft.AspNetCore.Identity;

namespace AskProAI.Data;

/// <summary>A dashboard user (ASP.NET Identity) who belongs to one company.</summary>
public class AppUser : IdentityUser<int>
{
    /// <summary>Gets or sets the id of the company whose dashboard the user sees.</summary>
    public int CompanyId { get; set; }

    /// <summary>Gets or sets the company.</summary>
    public Company? Company { get; set; }
}
