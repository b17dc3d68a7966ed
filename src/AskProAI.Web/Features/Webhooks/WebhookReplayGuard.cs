using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Webhooks;

/// <summary>
/// Remembers the signatures of accepted webhook requests for twice the timestamp tolerance (a request is only fresh
/// within the tolerance either way), so the same signed request is applied once. In memory, per instance: in
/// distributed mode a captured request could still be applied once per instance (docs/security.md).
/// </summary>
internal sealed class WebhookReplayGuard(TimeProvider time, IOptions<WebhookOptions> options)
{
    private const int PruneAbove = 10_000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _pruneAfterTicks;

    /// <summary>True the first time a signature is seen within the window; false for a replay.</summary>
    public bool TryFirstUse(string signature)
    {
        // The hex digits may come in either case: one key for both, or a re-cased copy would pass as new.
        signature = signature.ToLowerInvariant();
        var now = time.GetUtcNow();
        // At most one sweep per tolerance: with more live signatures than the bound, sweeping on every request would
        // scan them all per request and free nothing.
        if (_seen.Count >= PruneAbove && now.UtcTicks >= Volatile.Read(ref _pruneAfterTicks))
        {
            Volatile.Write(ref _pruneAfterTicks, (now + options.Value.Tolerance).UtcTicks);
            foreach (var (key, until) in _seen)
            {
                if (until <= now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        var expires = now + (2 * options.Value.Tolerance);
        while (true)
        {
            if (_seen.TryAdd(signature, expires))
            {
                return true;
            }

            if (_seen.TryGetValue(signature, out var until) && until > now)
            {
                return false;
            }

            // An expired entry: take it over (another caller may race us to it; then one of the two wins).
            if (_seen.TryUpdate(signature, expires, until))
            {
                return true;
            }
        }
    }
}
