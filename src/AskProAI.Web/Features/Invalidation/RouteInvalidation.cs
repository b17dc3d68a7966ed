using AskProAI.Caching;
using AskProAI.Web.Features.Tenancy;

namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// Endpoint metadata: what a successful (2xx) response of the endpoint invalidates, for the company in its
/// <c>{companyId}</c> route value. For writes that bypass the change tracker.
/// </summary>
/// <param name="EntityTypes">Entity types changed: every widget depending on one is invalidated.</param>
/// <param name="Tags">Tags without a company (<c>live_data</c>, <c>widget:{name}</c>), narrowed to the request's company.</param>
internal sealed record InvalidatesMetadata(IReadOnlyList<Type> EntityTypes, IReadOnlyList<CacheTag> Tags);

/// <summary>Declares on an endpoint what its successful responses invalidate.</summary>
internal static class RouteInvalidationExtensions
{
    /// <summary>After a 2xx response, invalidates the request company's widgets that depend on the entity types.</summary>
    public static TBuilder InvalidatesWidgets<TBuilder>(this TBuilder builder, params Type[] entityTypes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(entityTypes);
        return builder.WithMetadata(new InvalidatesMetadata(entityTypes, []));
    }

    /// <summary>
    /// After a 2xx response, invalidates the tags narrowed to the request's company (<c>live_data</c> becomes
    /// <c>company_data:{c}:live_data</c>, <c>widget:{w}</c> becomes <c>widget:{w}:{c}</c>).
    /// </summary>
    /// <exception cref="FormatException">A tag does not parse.</exception>
    /// <exception cref="ArgumentException">A tag names a company: the company comes from the request.</exception>
    public static TBuilder InvalidatesTags<TBuilder>(this TBuilder builder, params string[] tags)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(tags);
        var parsed = tags.Select(CacheTag.Parse).ToArray();
        if (parsed.FirstOrDefault(t => t.IsCompanyScoped) is { IsCompanyScoped: true } fixedTag)
        {
            throw new ArgumentException($"The tag '{fixedTag}' names a company; declare it without one.", nameof(tags));
        }

        return builder.WithMetadata(new InvalidatesMetadata([], parsed));
    }
}

/// <summary>
/// Runs the invalidations declared with <see cref="RouteInvalidationExtensions"/> when the response starts with a
/// 2xx status: after the endpoint's work, before the client can see the answer, so a read sent after the answer
/// never gets the old value. Other statuses (validation errors, 403, exceptions) invalidate nothing.
/// </summary>
internal sealed class RouteInvalidationMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, IWidgetInvalidator invalidator)
    {
        var declared = context.GetEndpoint()?.Metadata.GetOrderedMetadata<InvalidatesMetadata>();
        if (declared is not { Count: > 0 } || !CompanyIds.TryParse(context.GetRouteValue("companyId") as string, out var companyId))
        {
            return next(context);
        }

        context.Response.OnStarting(async () =>
        {
            if (context.Response.StatusCode is < 200 or > 299)
            {
                return;
            }

            foreach (var metadata in declared)
            {
                if (metadata.EntityTypes.Count > 0)
                {
                    await invalidator.InvalidateAsync(companyId, [.. metadata.EntityTypes]);
                }

                if (metadata.Tags.Count > 0)
                {
                    var narrowed = metadata.Tags.Select(t => CompanyTags.TryNarrow(t, companyId, out var n, out _) ? n : t).ToArray();
                    await invalidator.InvalidateTagsAsync(companyId, narrowed, CancellationToken.None);
                }
            }
        });
        return next(context);
    }
}
