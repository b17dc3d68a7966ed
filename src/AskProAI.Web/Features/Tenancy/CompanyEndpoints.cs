using AskProAI.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AskProAI.Web.Features.Tenancy;

/// <summary>The company list and the one group every company-scoped endpoint lives in.</summary>
internal static class CompanyEndpoints
{
    /// <summary>
    /// Maps <c>GET /api/companies</c> (the companies the user may see, all for a SuperAdmin) and returns the group
    /// <c>/api/companies/{companyId}</c>: authorized, and tenant-checked once by <see cref="TenantFilter"/>, so that its
    /// handlers take the resolved <see cref="CurrentCompany"/>.
    /// </summary>
    public static RouteGroupBuilder MapCompanies(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/companies", ListCompaniesAsync)
            .RequireAuthorization()
            .WithName("ListCompanies");

        // The company id is taken as a string so that a malformed id is a 400 from the filter, not a routing 404.
        return app.MapGroup("/api/companies/{" + TenantFilter.RouteValue + "}")
            .RequireAuthorization()
            .AddEndpointFilter<TenantFilter>();
    }

    private static async Task<Ok<CompanyList>> ListCompaniesAsync(HttpContext context, AskProDbContext db, CancellationToken cancellationToken)
    {
        var user = context.User;
        var query = db.Companies.AsNoTracking();
        if (!user.IsInRole(Auth.AuthConstants.SuperAdminRole))
        {
            var own = TenantGate.CompanyOf(user) ?? 0;
            query = query.Where(c => c.Id == own);
        }

        var companies = await query
            .OrderBy(c => c.Id)
            .Select(c => new CompanySummary(c.Id, c.Name, c.TimeZone, c.Currency, c.Locale))
            .ToListAsync(cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new CompanyList(companies, TenantGate.CompanyOf(user), user.IsInRole(Auth.AuthConstants.SuperAdminRole)));
    }
}

/// <summary>The companies a user may see.</summary>
/// <param name="Companies">The companies, by id.</param>
/// <param name="OwnCompanyId">The user's own company.</param>
/// <param name="IsSuperAdmin">Whether the user may open the cache analytics (the page shows the link and the cache details).</param>
internal sealed record CompanyList(IReadOnlyList<CompanySummary> Companies, int? OwnCompanyId, bool IsSuperAdmin);

/// <summary>A company in a list.</summary>
/// <param name="Id">The company id.</param>
/// <param name="Name">The company name.</param>
/// <param name="TimeZone">The company's time zone id.</param>
/// <param name="Currency">The ISO 4217 currency of its revenue.</param>
/// <param name="Locale">The BCP 47 locale its dashboard formats numbers, money and dates in.</param>
internal sealed record CompanySummary(int Id, string Name, string TimeZone, string Currency, string Locale);
