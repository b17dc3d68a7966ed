using System.Globalization;
using AskProAI.Data;
using Microsoft.EntityFrameworkCore;

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

    /// <summary>
    /// Finds this company's row whose id is the route value <paramref name="id"/>: null when the value is not a whole
    /// number or names no row of this company (another company's row is as unknown as a missing one).
    /// </summary>
    public async Task<T?> FindAsync<T>(IQueryable<T> rows, string id, CancellationToken cancellationToken)
        where T : class, ICompanyOwned
    {
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var key))
        {
            return null;
        }

        var companyId = Id;
        return await rows.FirstOrDefaultAsync(row => row.Id == key && row.CompanyId == companyId, cancellationToken);
    }

    /// <summary>Records the company the tenant check let through.</summary>
    internal void Resolve(int companyId) => _id = companyId;
}
