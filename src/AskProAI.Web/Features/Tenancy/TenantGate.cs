using System.Globalization;
using System.Security.Claims;
using AskProAI.Web.Features.Auth;

namespace AskProAI.Web.Features.Tenancy;

/// <summary>The outcome of a tenant check: the company id, or the problem response to send instead.</summary>
/// <param name="CompanyId">The company the request may read; 0 when refused.</param>
/// <param name="Problem">The response to send when refused.</param>
internal readonly record struct TenantAccess(int CompanyId, IResult? Problem);

/// <summary>
/// Decides whether a user may read a company's data, before anything touches the cache: the id must parse (400),
/// the user must belong to the company or be a SuperAdmin (403), and the company must exist (404).
/// </summary>
internal sealed class TenantGate(CompanyDirectory companies, ILogger<TenantGate> logger)
{
    /// <summary>Checks a raw company id from the URL against the user.</summary>
    public async ValueTask<TenantAccess> CheckAsync(ClaimsPrincipal user, string? rawCompanyId, CancellationToken cancellationToken)
    {
        if (!CompanyIds.TryParse(rawCompanyId, out var companyId))
        {
            return Refuse(TypedResults.Problem(
                title: "Invalid company id",
                detail: "The company id must be a positive whole number.",
                statusCode: StatusCodes.Status400BadRequest));
        }

        if (!CanAccess(user, companyId))
        {
            Log.TenantAccessDenied(logger);
            return Refuse(TypedResults.Problem(
                title: "Forbidden",
                detail: "You may only view the dashboard of your own company.",
                statusCode: StatusCodes.Status403Forbidden));
        }

        if (!await companies.ExistsAsync(companyId, cancellationToken))
        {
            return Refuse(TypedResults.Problem(
                title: "Unknown company",
                detail: "No company has this id.",
                statusCode: StatusCodes.Status404NotFound));
        }

        return new TenantAccess(companyId, null);
    }

    /// <summary>Whether the user is a SuperAdmin or belongs to the company.</summary>
    public static bool CanAccess(ClaimsPrincipal user, int companyId) =>
        user.IsInRole(AuthConstants.SuperAdminRole) || CompanyOf(user) == companyId;

    /// <summary>The company the user belongs to, or null.</summary>
    public static int? CompanyOf(ClaimsPrincipal user) =>
        int.TryParse(user.FindFirstValue(AuthConstants.CompanyIdClaim), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    private static TenantAccess Refuse(IResult problem) => new(0, problem);
}
