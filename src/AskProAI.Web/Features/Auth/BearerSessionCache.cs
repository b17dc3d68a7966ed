using System.Collections.Concurrent;
using System.Security.Claims;
using AskProAI.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>
/// The bearer-token side of session validation: the result of checking a (user, security stamp) pair against the store
/// (<see cref="SessionValidator.VerifyAsync"/>) and the principal rebuilt from it are kept for
/// <see cref="AuthConstants.SessionValidationInterval"/>, so an API request costs no database round trip while a
/// revoked or demoted user is noticed within that interval. Per instance; a few hundred bytes per active user.
/// </summary>
internal sealed class BearerSessionCache(TimeProvider time, IOptions<IdentityOptions> identity)
{
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The current principal of the token's user, or null when the session was revoked.</summary>
    public async Task<ClaimsPrincipal?> RevalidateAsync(ClaimsPrincipal token, IServiceProvider requestServices)
    {
        var claims = identity.Value.ClaimsIdentity;
        var key = $"{token.FindFirstValue(claims.UserIdClaimType)}|{token.FindFirstValue(claims.SecurityStampClaimType)}";
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var cached) && now - cached.CheckedAt < AuthConstants.SessionValidationInterval)
        {
            return cached.Principal;
        }

        var signIn = requestServices.GetRequiredService<SignInManager<AppUser>>();
        var user = await SessionValidator.VerifyAsync(signIn, token);
        var principal = user is null ? null : await signIn.CreateUserPrincipalAsync(user);
        if (_entries.Count >= PruneAbove)
        {
            Prune(now);
        }

        _entries[key] = new Entry(now, principal);
        return principal;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.CheckedAt >= AuthConstants.SessionValidationInterval)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(DateTimeOffset CheckedAt, ClaimsPrincipal? Principal);
}
