using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using AskProAI.Web.Features.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.CacheAdmin;

/// <summary>Settings of the admin API, section <c>Admin</c>.</summary>
internal sealed class AdminApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Admin";

    /// <summary>
    /// Gets or sets the token that authenticates <c>Authorization: Bearer {token}</c> as a SuperAdmin for the cache admin
    /// API (for the <c>askpro</c> CLI and automation). Unset or empty disables it.
    /// </summary>
    /// <value>The default value is unset; <c>appsettings.Development.json</c> sets <c>dev-admin-token</c>.</value>
    public string? ApiToken { get; set; }
}

/// <summary>
/// Authenticates the admin API token as a SuperAdmin. Anything else is "no result", so the Identity bearer token
/// and the cookie are tried beside it and a wrong token is a plain 401.
/// </summary>
internal sealed class AdminTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AdminApiOptions> adminOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "AdminToken";

    /// <summary>The name of the principal the token stands for (logged as the caller).</summary>
    public const string PrincipalName = "admin-api-token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var configured = adminOptions.CurrentValue.ApiToken;
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(configured) || header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!FixedTimeEquals(header.AsSpan(7).Trim(), configured))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, PrincipalName), new Claim(ClaimTypes.Role, AuthConstants.SuperAdminRole)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <summary>Compares the SHA-256 hashes, so neither the content nor the length of the token leaks through timing.</summary>
    private static bool FixedTimeEquals(ReadOnlySpan<char> presented, string expected)
    {
        Span<byte> a = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> b = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented.ToArray()), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
