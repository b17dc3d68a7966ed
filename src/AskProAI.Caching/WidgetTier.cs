namespace AskProAI.Caching;

/// <summary>The freshness tier of a widget: decides its TTL, its time bucket and its data tag.</summary>
public enum WidgetTier
{
    /// <summary>Real-time data (ongoing calls). Minute buckets, 60 s TTL, tag <c>live_data</c>.</summary>
    Live = 0,

    /// <summary>Dashboard metrics. Hour buckets, 300 s TTL, tag <c>statistics</c>.</summary>
    Statistics = 1,

    /// <summary>Expensive analytics. Hour buckets, 900 s TTL, tag <c>heavy_data</c>, refreshed in the background.</summary>
    Heavy = 2,
}
