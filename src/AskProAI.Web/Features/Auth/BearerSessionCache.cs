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
    private long _pruneAfterTicks;

    /// <summary>The current principal of the token's user, or null when the session was revoked.</summary>
    public Task<ClaimsPrincipal?> RevalidateAsync(ClaimsPrincipal token, IServiceProvider requestServices)
    {
        var claims = identity.Value.ClaimsIdentity;
        var key = $"{token.FindFirstValue(claims.UserIdClaimType)}|{token.FindFirstValue(claims.SecurityStampClaimType)}";
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var cached) && now - cached.CheckedAt < AuthConstants.SessionValidationInterval
            && !cached.Principal.Value.IsFaulted && !cached.Principal.Value.IsCanceled)
        {
            return cached.Principal.Value;
        }

        // At most one sweep per interval: with more live entries than the bound, sweeping on every request would cost
        // a scan of all of them per request and free nothing.
        if (_entries.Count >= PruneAbove && now.UtcTicks >= Volatile.Read(ref _pruneAfterTicks))
        {
            Volatile.Write(ref _pruneAfterTicks, (now + AuthConstants.SessionValidationInterval).UtcTicks);
            Prune(now);
        }

        // One check per key at a time: concurrent first requests of a token share it (a dashboard opens with several).
        // The check runs on the services of the request that stored it, which awaits it too.
        var fresh = new Entry(now, new Lazy<Task<ClaimsPrincipal?>>(() => CheckAsync(token, requestServices)));
        var stored = cached is null
            ? _entries.GetOrAdd(key, fresh)
            : _entries.TryUpdate(key, fresh, cached) ? fresh : _entries.GetOrAdd(key, fresh);
        return stored.Principal.Value;
    }

    private static async Task<ClaimsPrincipal?> CheckAsync(ClaimsPrincipal token, IServiceProvider requestServices)
    {
        var signIn = requestServices.GetRequiredService<SignInManager<AppUser>>();
        var user = await SessionValidator.VerifyAsync(signIn, token);
        return user is null ? null : await signIn.CreateUserPrincipalAsync(user);
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

    private sealed record Entry(DateTimeOffset CheckedAt, Lazy<Task<ClaimsPrincipal?>> Principal);
}
