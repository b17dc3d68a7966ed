namespace AskProAI.Web.Features.Tenancy;

/// <summary>
/// The company of the request, as the company group's <see cref="TenantFilter"/> resolved it: handlers under
/// <c>/api/companies/{companyId}</c> take this instead of the raw route value and never check the tenant again.
/// </summary>
internal sealed class CurrentCompany
{
    private int _id;

    /// <summary>Gets the company id the user may act on (a positive, existing company).</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not under the company group, so nothing resolved it.</exception>
    public int Id => _id > 0 ? _id : throw new InvalidOperationException("No company resolved: map the endpoint under the company group (CompanyEndpoints.MapCompanies).");

    /// <summary>Records the company the tenant check let through.</summary>
    internal void Resolve(int companyId) => _id = companyId;
}
