namespace AskProAI.Web.Features.Tenancy;

/// <summary>
/// The tenant check of the company group, run once per request before any handler: the <c>{companyId}</c> route
/// value must parse (400), belong to the user or the user be a SuperAdmin (403), and name an existing company (404).
/// What it let through is the request's <see cref="CurrentCompany"/>.
/// </summary>
internal sealed class TenantFilter(TenantGate gate) : IEndpointFilter
{
    /// <summary>The route value the group's prefix declares.</summary>
    public const string RouteValue = "companyId";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var access = await gate.CheckAsync(http.User, http.GetRouteValue(RouteValue) as string, http.RequestAborted);
        if (access.Problem is { } refused)
        {
            return refused;
        }

        http.RequestServices.GetRequiredService<CurrentCompany>().Resolve(access.CompanyId);
        return await next(context);
    }
}
