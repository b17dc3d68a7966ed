namespace AskProAI.Web.Features.Widgets;

/// <summary>Division for widget figures: zero when there is nothing to divide, rounded for display.</summary>
internal static class Ratios
{
    /// <summary>A fraction rounded to 4 decimals, or 0 when the denominator is 0.</summary>
    public static double Rate(long part, long whole) => whole == 0 ? 0 : Math.Round((double)part / whole, 4);

    /// <summary>An average rounded to 1 decimal, or 0 when there is nothing to average.</summary>
    public static double Average(long sum, long count) => count == 0 ? 0 : Math.Round((double)sum / count, 1);
}
