namespace AskProAI.Web.Features.SecurityHeaders;

/// <summary>
/// Browser protections on every response (pages, API, static files, errors): a strict Content-Security-Policy (the
/// pages have no inline script or style), no MIME sniffing, no framing, no referrer. In Production also HSTS, HTTPS
/// redirection and Secure cookies (set in the auth setup).
/// </summary>
internal static class SecurityHeadersExtensions
{
    /// <summary>The policy: everything from this origin only; <c>data:</c> images for the empty favicon; never framed.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds HSTS (one year) for Production.</summary>
    public static WebApplicationBuilder AddSecurityHeaders(this WebApplicationBuilder builder)
    {
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        return builder;
    }

    /// <summary>Sets the headers when each response starts; first in the pipeline, so error answers carry them too.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (app.Environment.IsProduction())
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var headers = ((HttpResponse)state).Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                return Task.CompletedTask;
            }, context.Response);
            return next(context);
        });
        return app;
    }
}
