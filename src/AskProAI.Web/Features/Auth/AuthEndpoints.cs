using System.Text.Json;
using AskProAI.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;

namespace AskProAI.Web.Features.Auth;

/// <summary>Maps login and logout: JSON login for bearer tokens, and the cookie login form for pages.</summary>
internal static class AuthEndpoints
{
    private const int MaxEmailLength = 256;
    private const int MaxPasswordLength = 512;

    /// <summary>
    /// Maps <c>POST /api/auth/login</c> (JSON <c>{"email","password"}</c> → <c>{"accessToken",...}</c>),
    /// <c>GET/POST /login</c> (the form, which sets the auth cookie) and <c>GET /logout</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/login", ApiLoginAsync).AllowAnonymous().WithName("Login");
        app.MapGet(AuthConstants.LoginPath, LoginPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(AuthConstants.LoginPath, FormLoginAsync).AllowAnonymous().ExcludeFromDescription();
        app.MapGet(AuthConstants.LogoutPath, LogoutAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ApiLoginAsync(
        HttpRequest request,
        SignInManager<AppUser> signIn,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        LoginRequest? login = null;
        if (request.HasJsonContentType())
        {
            try
            {
                login = await request.ReadFromJsonAsync<LoginRequest>(cancellationToken);
            }
            catch (JsonException)
            {
                login = null;
            }
            catch (BadHttpRequestException)
            {
                login = null;
            }
        }

        if (!IsWellFormed(login?.Email, login?.Password))
        {
            return TypedResults.Problem(
                title: "Malformed login",
                detail: "Send a JSON body {\"email\": ..., \"password\": ...} with Content-Type application/json.",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await PasswordSignInAsync(signIn, login!.Email!, login.Password!, IdentityConstants.BearerScheme);
        if (!result.Succeeded)
        {
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "api", Reason(result));
            return TypedResults.Problem(
                title: "Login failed",
                detail: result.IsLockedOut ? "The account is locked; try again later." : "Invalid email or password.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        // The bearer handler has written the token response ({"tokenType","accessToken","expiresIn","refreshToken"}).
        return TypedResults.Empty;
    }

    private static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? error, string? returnUrl)
    {
        var local = LocalOrNull(returnUrl);
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return TypedResults.Redirect(local ?? "/");
        }

        var message = error switch
        {
            null or "" => null,
            "expired" => "The form expired; please sign in again.",
            _ => "Invalid email or password.",
        };
        return Page(context, antiforgery, message, email: null, local, StatusCodes.Status200OK);
    }

    private static IResult Page(HttpContext context, IAntiforgery antiforgery, string? message, string? email, string? returnUrl, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(
            LoginPageHtml.Render(tokens.FormFieldName, tokens.RequestToken ?? string.Empty, message, email, returnUrl), "text/html; charset=utf-8", statusCode: status);
    }

    /// <summary>
    /// The return address when it is a path on this site ("/admin/cache"), else null: "//host", "/\\host" and absolute
    /// URLs would be open redirects (the same rule as ASP.NET Core's local URL check).
    /// </summary>
    internal static string? LocalOrNull(string? url) =>
        url is { Length: > 0 } u && u[0] == '/' && (u.Length == 1 || (u[1] != '/' && u[1] != '\\')) && !u.Any(char.IsControl) ? u : null;

    private static async Task<IResult> FormLoginAsync(
        HttpContext context,
        IAntiforgery antiforgery,
        SignInManager<AppUser> signIn,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (!context.Request.HasFormContentType)
        {
            return TypedResults.Redirect(AuthConstants.LoginPath + "?error=invalid");
        }

        try
        {
            await antiforgery.ValidateRequestAsync(context);
        }
        catch (AntiforgeryValidationException)
        {
            return TypedResults.Redirect(AuthConstants.LoginPath + "?error=expired");
        }

        var form = await context.Request.ReadFormAsync(cancellationToken);
        string? email = form["email"];
        string? password = form["password"];
        var returnUrl = LocalOrNull(form["returnUrl"]);
        if (!IsWellFormed(email, password))
        {
            return TypedResults.Redirect(AuthConstants.LoginPath + "?error=invalid");
        }

        var result = await PasswordSignInAsync(signIn, email!, password!, IdentityConstants.ApplicationScheme);
        if (!result.Succeeded)
        {
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "form", Reason(result));

            // The form again, with the email kept (not in a redirect's query string, where it would land in logs).
            var message = result.IsLockedOut ? "The account is locked; try again later." : "Invalid email or password.";
            return Page(context, antiforgery, message, email, returnUrl, StatusCodes.Status401Unauthorized);
        }

        // Only a path on this site: anything else in the return address would be an open redirect.
        return TypedResults.Redirect(returnUrl ?? "/");
    }

    private static async Task LogoutAsync(HttpContext context)
    {
        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        context.Response.Redirect(AuthConstants.LoginPath);
    }

    private static async Task<SignInResult> PasswordSignInAsync(SignInManager<AppUser> signIn, string email, string password, string scheme)
    {
        var user = await signIn.UserManager.FindByEmailAsync(email);
        if (user is null)
        {
            return SignInResult.Failed;
        }

        signIn.AuthenticationScheme = scheme;
        return await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
    }

    private static bool IsWellFormed(string? email, string? password) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= MaxEmailLength
        && !string.IsNullOrEmpty(password) && password.Length <= MaxPasswordLength;

    private static string Reason(SignInResult result) =>
        result.IsLockedOut ? "locked out" : result.IsNotAllowed ? "not allowed" : "bad credentials";
}

/// <summary>The body of <c>POST /api/auth/login</c>.</summary>
/// <param name="Email">The user's email.</param>
/// <param name="Password">The user's password.</param>
internal sealed record LoginRequest(string? Email, string? Password);
