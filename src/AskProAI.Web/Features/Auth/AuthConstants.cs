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

    /// <summary>
    /// The scheme that authenticates Identity bearer tokens and re-checks them against the user store (deleted,
    /// locked out, security stamp changed, roles changed) at most <see cref="SessionValidationInterval"/> apart.
    /// </summary>
    public const string BearerScheme = "AskPro.Bearer";

    /// <summary>
    /// How long a cookie or bearer token is trusted without looking at the user again: a deleted, locked, re-stamped or
    /// demoted user loses access at most this long after the change.
    /// </summary>
    public static readonly TimeSpan SessionValidationInterval = TimeSpan.FromSeconds(10);

    /// <summary>The login page.</summary>
    public const string LoginPath = "/login";

    /// <summary>The logout form's target (POST with the antiforgery token).</summary>
    public const string LogoutPath = "/logout";
}
