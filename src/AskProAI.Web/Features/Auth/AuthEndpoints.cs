using System.Text.Json;
using AskProAI.Data;
using AskProAI.Web.Features.RateLimiting;
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
    private const string ThrottledMessage = "Too many failed sign-ins from this address for this email; try again later.";
    private static readonly AppUser DummyUser = new();
    private static string? s_dummyHash;

    /// <summary>
    /// Maps <c>POST /api/auth/login</c> (JSON <c>{"email","password"}</c> → <c>{"accessToken",...}</c>),
    /// <c>POST /api/auth/refresh</c> (JSON <c>{"refreshToken"}</c> → a new token pair, for a user still valid),
    /// <c>GET/POST /login</c> (the form, which sets the auth cookie), <c>POST /logout</c> (a form with the antiforgery token;
    /// a link cannot sign anyone out) and <c>GET /api/auth/antiforgery</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/login", ApiLoginAsync).AllowAnonymous().RequireRateLimiting(RateLimitingExtensions.LoginPolicy).WithName("Login");
        app.MapPost("/api/auth/refresh", RefreshAsync).AllowAnonymous().RequireRateLimiting(RateLimitingExtensions.LoginPolicy).WithName("RefreshToken");
        app.MapGet(AuthConstants.LoginPath, LoginPage).AllowAnonymous().ExcludeFromDescription();
        app.MapPost(AuthConstants.LoginPath, FormLoginAsync).AllowAnonymous().RequireRateLimiting(RateLimitingExtensions.LoginPolicy).ExcludeFromDescription();
        app.MapPost(AuthConstants.LogoutPath, LogoutAsync).ExcludeFromDescription();
        app.MapAntiforgeryToken();
        return app;
    }

    private static async Task<IResult> ApiLoginAsync(
        HttpContext context,
        SignInManager<AppUser> signIn,
        LoginThrottle throttle,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var request = context.Request;
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

        var outcome = await PasswordSignInAsync(context, signIn, throttle, login!.Email!, login.Password!, IdentityConstants.BearerScheme);
        if (outcome.RetryAfter > TimeSpan.Zero)
        {
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "api", "throttled");
            context.Response.Headers.RetryAfter = RateLimitingExtensions.RetryAfterSeconds(outcome.RetryAfter);
            return TypedResults.Problem(
                title: "Too many failed sign-ins",
                detail: ThrottledMessage,
                statusCode: StatusCodes.Status429TooManyRequests);
        }

        if (!outcome.Succeeded)
        {
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "api", "bad credentials");
            return TypedResults.Problem(title: "Login failed", detail: "Invalid email or password.", statusCode: StatusCodes.Status401Unauthorized);
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
            "throttled" => ThrottledMessage,
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
        LoginThrottle throttle,
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

        var outcome = await PasswordSignInAsync(context, signIn, throttle, email!, password!, IdentityConstants.ApplicationScheme);
        if (!outcome.Succeeded)
        {
            var throttled = outcome.RetryAfter > TimeSpan.Zero;
            Log.LoginFailed(loggers.CreateLogger(typeof(AuthEndpoints).FullName!), "form", throttled ? "throttled" : "bad credentials");

            // The form again, with the email kept (not in a redirect's query string, where it would land in logs).
            var message = throttled ? ThrottledMessage : "Invalid email or password.";
            return Page(context, antiforgery, message, email, returnUrl, throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized);
        }

        // Only a path on this site: anything else in the return address would be an open redirect.
        return TypedResults.Redirect(returnUrl ?? "/");
    }

    private static async Task<IResult> LogoutAsync(HttpContext context, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            return TypedResults.Problem(
                title: "Missing antiforgery token",
                detail: "Sign out with the page's button (a form carrying the antiforgery token).",
                statusCode: StatusCodes.Status400BadRequest);
        }

        await context.SignOutAsync(IdentityConstants.ApplicationScheme);
        return TypedResults.Redirect(AuthConstants.LoginPath);
    }

    /// <summary>
    /// Checks the password with the same work for unknown and existing users (a dummy hash is verified when the email
    /// is unknown; Identity's per-account lockout is not used, so no answer differs), then signs in with the scheme.
    /// </summary>
    private static async Task<LoginOutcome> PasswordSignInAsync(
        HttpContext context, SignInManager<AppUser> signIn, LoginThrottle throttle, string email, string password, string scheme)
    {
        var client = ClientAddress.Of(context);
        var wait = throttle.RetryAfter(client, email);
        if (wait > TimeSpan.Zero)
        {
            return new LoginOutcome(false, wait);
        }

        var users = signIn.UserManager;
        var user = await users.FindByEmailAsync(email);
        bool valid;
        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(DummyUser, DummyHash(users.PasswordHasher), password);
            valid = false;
        }
        else
        {
            valid = await users.CheckPasswordAsync(user, password) && !await users.IsLockedOutAsync(user) && await signIn.CanSignInAsync(user);
        }

        if (!valid)
        {
            throttle.Failed(client, email);
            return new LoginOutcome(false, throttle.RetryAfter(client, email));
        }

        throttle.Succeeded(client, email);
        signIn.AuthenticationScheme = scheme;
        await signIn.SignInAsync(user!, isPersistent: false);
        return new LoginOutcome(true, TimeSpan.Zero);
    }

    /// <summary>A hash of a random password made by the service's own hasher, so verifying it costs what a real one costs.</summary>
    private static string DummyHash(IPasswordHasher<AppUser> hasher) =>
        s_dummyHash ??= hasher.HashPassword(DummyUser, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));

    private static bool IsWellFormed(string? email, string? password) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= MaxEmailLength
        && !string.IsNullOrEmpty(password) && password.Length <= MaxPasswordLength;

    private readonly record struct LoginOutcome(bool Succeeded, TimeSpan RetryAfter);
}

/// <summary>The body of <c>POST /api/auth/login</c>.</summary>
/// <param name="Email">The user's email.</param>
/// <param name="Password">The user's password.</param>
internal sealed record LoginRequest(string? Email, string? Password);

/// <summary>The body of <c>POST /api/auth/refresh</c>.</summary>
/// <param name="RefreshToken">The <c>refreshToken</c> of a login or an earlier refresh.</param>
internal sealed record RefreshRequest(string? RefreshToken);
