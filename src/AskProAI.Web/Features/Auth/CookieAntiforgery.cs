using Microsoft.AspNetCore.Antiforgery;

namespace AskProAI.Web.Features.Auth;

/// <summary>
/// Antiforgery for writes made with the auth cookie: a browser sends the cookie on any same-site request (SameSite=Lax
/// leaves same-site origins open, and a form POST of any content type reaches the API), so such a write must also carry
/// the token of <c>GET /api/auth/antiforgery</c> in the <see cref="HeaderName"/> header. Requests with an
/// <c>Authorization</c> header (bearer token, admin API token) are not sent by browsers on their own and are not checked.
/// </summary>
internal static class CookieAntiforgery
{
    /// <summary>The request header carrying the antiforgery token.</summary>
    public const string HeaderName = "X-CSRF-TOKEN";

    /// <summary>Adds the check to every unsafe method of the group or endpoint.</summary>
    public static TBuilder RequireAntiforgeryForCookies<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (NeedsToken(http.Request) && !await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http))
            {
                return TypedResults.Problem(
                    title: "Missing antiforgery token",
                    detail: $"A write with the sign-in cookie needs the token of GET /api/auth/antiforgery in the {HeaderName} header.",
                    statusCode: StatusCodes.Status400BadRequest);
            }

            return await next(context);
        });

    /// <summary>Maps <c>GET /api/auth/antiforgery</c>: <c>{"token","headerName"}</c> for the signed-in user (and sets the antiforgery cookie).</summary>
    public static IEndpointRouteBuilder MapAntiforgeryToken(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/auth/antiforgery", (HttpContext context, IAntiforgery antiforgery) =>
            {
                var tokens = antiforgery.GetAndStoreTokens(context);
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Ok(new AntiforgeryToken(tokens.RequestToken!, HeaderName, tokens.FormFieldName));
            })
            .RequireAuthorization()
            .WithName("AntiforgeryToken");
        return app;
    }

    private static bool NeedsToken(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
        && request.Headers.Authorization.Count == 0;
}

/// <summary>The answer of <c>GET /api/auth/antiforgery</c>.</summary>
/// <param name="Token">The request token.</param>
/// <param name="HeaderName">The header to send it in with JSON requests.</param>
/// <param name="FormFieldName">The form field to send it in with form posts (the logout form).</param>
internal sealed record AntiforgeryToken(string Token, string HeaderName, string FormFieldName);
