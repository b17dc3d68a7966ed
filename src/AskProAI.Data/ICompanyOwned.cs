namespace AskProAI.Data;

/// <summary>A row that belongs to one company and is addressed by its id under <c>/api/companies/{companyId}</c>.</summary>
public interface ICompanyOwned
{
    /// <summary>Gets the row's id.</summary>
    long Id { get; }

    /// <summary>Gets the owning company's id.</summary>
    int CompanyId { get; }
}
