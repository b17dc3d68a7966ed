namespace AskProAI.Caching;

/// <summary>Helpers for <see cref="CacheOutcome"/>.</summary>
public static class CacheOutcomeExtensions
{
    /// <summary>HIT, MISS, STALE or BYPASS.</summary>
    public static string ToHeader(this CacheOutcome outcome) => outcome switch
    {
        CacheOutcome.Hit => "HIT",
        CacheOutcome.Miss => "MISS",
        CacheOutcome.Stale => "STALE",
        _ => "BYPASS",
    };
}
