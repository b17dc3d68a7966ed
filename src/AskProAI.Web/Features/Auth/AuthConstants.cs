namespace AskProAI.Web.Features.Auth;

/// <summary>Names used by authentication and tenant checks.</summary>
internal static class AuthConstants
{
    /// <summary>The role that may see every company.</summary>
    public const string SuperAdminRole = "SuperAdmin";

    /// <summary>The claim carrying the user's company id.</summary>
    public const string CompanyIdClaim = "askpro:company_id";

    /// <summary>The policy scheme: bearer when an Authorization header is present, else the Identity cookie.</summary>
    public const string Scheme = "AskPro";

    /// <summary>The login page.</summary>
    public const string LoginPath = "/login";

    /// <summary>The logout link.</summary>
    public const string LogoutPath = "/logout";
}
