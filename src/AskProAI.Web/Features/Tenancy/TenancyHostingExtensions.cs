namespace AskProAI.Web.Features.Tenancy;

/// <summary>Registers the tenant (company) features.</summary>
internal static class TenancyHostingExtensions
{
    /// <summary>Adds the company directory, the tenant gate and the request's <see cref="CurrentCompany"/>.</summary>
    public static WebApplicationBuilder AddTenancy(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CompanyDirectory>();
        builder.Services.AddSingleton<TenantGate>();
        builder.Services.AddScoped<CurrentCompany>();
        return builder;
    }
}
