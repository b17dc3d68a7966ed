namespace AskProAI.Caching;

/// <summary>Helpers for multi-day widgets made of day parts.</summary>
public static class DaySegments
{
    /// <summary>
    /// The widget name of the tag <c>widget:day_segments:{company}</c> that tells other instances a closed day of the
    /// company changed (they drop its days). Reserved: no widget may be registered under it.
    /// </summary>
    public const string TagWidgetName = "day_segments";

    /// <summary>Folds parts, oldest first, into one.</summary>
    public static TPart Fold<TPart>(IEnumerable<TPart> parts)
        where TPart : class, IDayPart<TPart>
    {
        ArgumentNullException.ThrowIfNull(parts);
        var value = TPart.Empty;
        foreach (var part in parts)
        {
            value = TPart.Combine(value, part);
        }

        return value;
    }
}
