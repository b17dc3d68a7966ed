using System.Collections.Concurrent;
using AskProAI.Web.Features.RateLimiting;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Auth;

/// <summary>
/// Failed sign-ins counted per (client address, email), the same for unknown and existing emails: after
/// <see cref="RateLimitOptions.MaxFailedSignIns"/> failures that pair is refused for <see cref="RateLimitOptions.SignInLockout"/>.
/// It replaces Identity's per-account lockout, which let anyone lock any known account out for good by guessing
/// (see docs/security.md): here an attacker locks out only itself; the real user signs in from its own address.
/// Per instance, in memory; bounded by pruning the pairs whose lockout and failures are over.
/// </summary>
internal sealed class LoginThrottle(TimeProvider time, IOptions<RateLimitOptions> options)
{
    private const int PruneAbove = 50_000;

    private readonly ConcurrentDictionary<(string Client, string Email), Entry> _entries = new();

    /// <summary>How long the pair is still refused; zero when it may try.</summary>
    public TimeSpan RetryAfter(string client, string email)
    {
        if (!_entries.TryGetValue(Key(client, email), out var entry) || entry.LockedUntil is not { } until)
        {
            return TimeSpan.Zero;
        }

        var left = until - time.GetUtcNow();
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>Counts a failure; the pair is locked when it reaches the limit.</summary>
    public void Failed(string client, string email)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        if (_entries.Count >= PruneAbove)
        {
            Prune(now, settings.SignInLockout);
        }

        _entries.AddOrUpdate(
            Key(client, email),
            _ => new Entry(1, now, null),
            (_, e) =>
            {
                // Failures older than one lockout period are forgotten; an expired lockout starts a fresh count.
                var failures = (e.LockedUntil is { } until && until <= now) || now - e.LastFailure > settings.SignInLockout ? 1 : e.Failures + 1;
                return new Entry(failures, now, failures >= settings.MaxFailedSignIns ? now + settings.SignInLockout : null);
            });
    }

    /// <summary>A successful sign-in forgets the pair's failures.</summary>
    public void Succeeded(string client, string email) => _entries.TryRemove(Key(client, email), out _);

    private static (string, string) Key(string client, string email) => (client, email.Trim().ToUpperInvariant());

    private void Prune(DateTimeOffset now, TimeSpan lockout)
    {
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastFailure > lockout && (entry.LockedUntil is null || entry.LockedUntil <= now))
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(int Failures, DateTimeOffset LastFailure, DateTimeOffset? LockedUntil);
}
