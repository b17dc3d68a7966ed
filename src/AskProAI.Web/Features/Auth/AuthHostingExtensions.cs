using AskProAI.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace AskProAI.Web.Features.Auth;

/// <summary>Registers Identity, the cookie and bearer schemes, and the policy scheme that picks between them.</summary>
internal static class AuthHostingExtensions
{
    /// <summary>
    /// Adds Identity (users, roles, EF stores on <see cref="AskProDbContext"/>, sign-in manager), cookie login for
    /// pages, Identity bearer tokens for the API, and authorization.
    /// </summary>
    public static WebApplicationBuilder AddAskProAuth(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = AuthConstants.Scheme;
                o.DefaultChallengeScheme = AuthConstants.Scheme;
            })
            .AddPolicyScheme(AuthConstants.Scheme, "Bearer token or cookie", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? AuthConstants.BearerScheme : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, RevocableBearerHandler>(AuthConstants.BearerScheme, o =>
            {
                o.ForwardChallenge = IdentityConstants.BearerScheme;
                o.ForwardForbid = IdentityConstants.BearerScheme;
            })
            .AddBearerToken(IdentityConstants.BearerScheme)
            .AddIdentityCookies();

        // Cookies and bearer tokens alike are re-checked against the user store this often (see docs/security.md).
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = AuthConstants.SessionValidationInterval);
        services.AddSingleton<BearerSessionCache>();
        services.AddSingleton<LoginThrottle>();

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "askpro.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = SecureIn(builder.Environment);
            o.LoginPath = AuthConstants.LoginPath;
            o.LogoutPath = AuthConstants.LogoutPath;
            o.SlidingExpiration = true;

            // The API and the hub answer 401/403; only pages redirect to the login form.
            o.Events.OnRedirectToLogin = context => StatusOrRedirect(context.HttpContext, context.RedirectUri, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => StatusOrRedirect(context.HttpContext, context.RedirectUri, StatusCodes.Status403Forbidden);
        });

        services.AddIdentityCore<AppUser>(o =>
            {
                o.User.RequireUniqueEmail = true;

                // Lockout stays on for accounts an administrator locks; failed passwords are counted per client and
                // email by LoginThrottle instead, so a guesser cannot lock the real user out (docs/security.md).
                o.Lockout.AllowedForNewUsers = true;
            })
            .AddRoles<IdentityRole<int>>()
            .AddEntityFrameworkStores<AskProDbContext>()
            .AddSignInManager()
            .AddClaimsPrincipalFactory<AskProClaimsPrincipalFactory>();

        // After AddSignInManager, which registers Identity's own validator for the cookie.
        services.AddScoped<ISecurityStampValidator, SessionValidator>();

        services.AddAuthorization();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "askpro.af";
            o.Cookie.SecurePolicy = SecureIn(builder.Environment);
            o.HeaderName = CookieAntiforgery.HeaderName;
        });
        return builder;
    }

    /// <summary>Production sends its cookies over HTTPS only; elsewhere (Development, tests over HTTP) as the request came.</summary>
    private static CookieSecurePolicy SecureIn(IHostEnvironment environment) =>
        environment.IsProduction() ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    private static Task StatusOrRedirect(HttpContext context, string redirectUri, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments("/hubs", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(redirectUri);
        }

        return Task.CompletedTask;
    }
}
