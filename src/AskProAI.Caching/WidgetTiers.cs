namespace AskProAI.Caching;

/// <summary>Names and helpers shared by every tier.</summary>
public static class WidgetTiers
{
    /// <summary>The number of tiers; tiers are dense from 0.</summary>
    public const int Count = 3;

    /// <summary>Gets every tier.</summary>
    public static ReadOnlySpan<WidgetTier> All => [WidgetTier.Live, WidgetTier.Statistics, WidgetTier.Heavy];

    /// <summary>The data tag of a tier: <c>live_data</c>, <c>statistics</c> or <c>heavy_data</c>.</summary>
    public static string DataTag(this WidgetTier tier) => tier switch
    {
        WidgetTier.Live => "live_data",
        WidgetTier.Statistics => "statistics",
        WidgetTier.Heavy => "heavy_data",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown widget tier."),
    };

    /// <summary>The lower-case name of a tier, as used in metrics and APIs.</summary>
    public static string Name(this WidgetTier tier) => tier switch
    {
        WidgetTier.Live => "live",
        WidgetTier.Statistics => "statistics",
        WidgetTier.Heavy => "heavy",
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown widget tier."),
    };

    /// <summary>Parses a data tag (<c>live_data</c>) back to its tier.</summary>
    public static bool TryParseDataTag(ReadOnlySpan<char> tag, out WidgetTier tier)
    {
        switch (tag)
        {
            case "live_data": tier = WidgetTier.Live; return true;
            case "statistics": tier = WidgetTier.Statistics; return true;
            case "heavy_data": tier = WidgetTier.Heavy; return true;
            default: tier = default; return false;
        }
    }

    /// <summary>Whether a tier's keys are bucketed by minute (live) rather than by hour.</summary>
    public static bool UsesMinuteBuckets(this WidgetTier tier) => tier == WidgetTier.Live;
}
