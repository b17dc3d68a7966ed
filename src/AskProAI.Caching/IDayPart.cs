namespace AskProAI.Caching;

/// <summary>
/// One local day's share of a multi-day widget value: the parts of a period fold into the period's value with
/// <see cref="Combine"/>, starting from <see cref="Empty"/>. Combine must be associative and Empty its identity, so
/// folding cached closed days and a freshly computed today equals computing the whole period at once.
/// </summary>
/// <typeparam name="TSelf">The part type (an immutable record).</typeparam>
public interface IDayPart<TSelf>
    where TSelf : class, IDayPart<TSelf>
{
    /// <summary>Gets the part of a day without data.</summary>
    static abstract TSelf Empty { get; }

    /// <summary>Combines an earlier part (or fold) with a later one.</summary>
    static abstract TSelf Combine(TSelf earlier, TSelf later);
}
