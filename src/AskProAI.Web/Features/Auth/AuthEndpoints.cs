using System.Text.Json;
using AskProAI.Data;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>Maps login and logout: JSON login for bearer tokens, and the cookie login form for pages.</summary>
internal static class AuthEndpoints
{
    private const int MaxEmailLength = 256;
    private const int MaxPasswordLength = 512;
    private const int MaxTokenLength = 8192;

    /// <summary>
    /// Maps <c>POST /api/auth/login</c> (JSON <c>{"email","password"}</c> → <c>{"accessToken",...}</c>),
    /// <c>POST /api/auth/refresh</c> (JSON <c>{"refreshToken"}</c> → a new token pair, for a user still valid),
    /// <c>GET/POST /login</c> (the form, which sets the auth cookie) and <c>GET /logout</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/login", ApiLoginAsync).AllowAnonymous().WithName("Login");
        app.MapPost("/api/auth/refresh", RefreshAsync).AllowAnonymous().WithName("RefreshToken");
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

    /// <summary>
    /// Identity's refresh flow (as <c>MapIdentityApi</c> does it), with the session check of every request: the refresh
    /// token's user must still exist with the same security stamp and not be locked out.
    /// </summary>
    private static async Task<IResult> RefreshAsync(
        RefreshRequest? request,
        SignInManager<AppUser> signIn,
        IOptionsMonitor<BearerTokenOptions> bearerOptions,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        if (string.IsNullOrEmpty(request?.RefreshToken) || request.RefreshToken.Length > MaxTokenLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]>(StringComparer.Ordinal) { ["refreshToken"] = ["The refresh token is required."] },
                title: "The request is not valid");
        }

        var ticket = bearerOptions.Get(IdentityConstants.BearerScheme).RefreshTokenProtector.Unprotect(request.RefreshToken);
        if (ticket?.Properties.ExpiresUtc is not { } expires || time.GetUtcNow() >= expires
            || await SessionValidator.VerifyAsync(signIn, ticket.Principal) is not { } user)
        {
            Log.SessionRevoked(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "refresh");
            return TypedResults.Problem(
                title: "Refresh failed",
                detail: "The refresh token is invalid, expired or revoked; sign in again.",
                statusCode: StatusCodes.Status401Unauthorized);
        }

        return TypedResults.SignIn(await signIn.CreateUserPrincipalAsync(user), authenticationScheme: IdentityConstants.BearerScheme);
    }

    private static IResult LoginPage(HttpContext context, IAntiforgery antiforgery, string? error)
    {
        if (context.User.Identity?.IsAuthenticated == true)
        {
            return TypedResults.Redirect("/");
        }

        var tokens = antiforgery.GetAndStoreTokens(context);
        var message = error switch
        {
            null or "" => null,
            "expired" => "The form expired; please sign in again.",
            _ => "Invalid email or password.",
        };
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(LoginPageHtml.Render(tokens.FormFieldName, tokens.RequestToken ?? string.Empty, message), "text/html; charset=utf-8");
    }

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
        if (!IsWellFormed(email, password))
        {
            return TypedResults.Redirect(AuthConstants.LoginPath + "?error=invalid");
        }

        var result = await PasswordSignInAsync(signIn, email!, password!, IdentityConstants.ApplicationScheme);
        if (!result.Succeeded)
        {
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "form", Reason(result));
            return TypedResults.Redirect(AuthConstants.LoginPath + "?error=invalid");
        }

        // Always to the dashboard: a return URL from the query string would be an open redirect.
        return TypedResults.Redirect("/");
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

/// <summary>The body of <c>POST /api/auth/refresh</c>.</summary>
/// <param name="RefreshToken">The <c>refreshToken</c> of a login or an earlier refresh.</param>
internal sealed record RefreshRequest(string? RefreshToken);
