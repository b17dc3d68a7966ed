namespace AskProAI.Caching;

/// <summary>Counters of the day segment cache.</summary>
/// <param name="DaysServed">Closed days answered from the cache.</param>
/// <param name="DaysLoaded">Closed days loaded (computed) because they were missing or invalidated.</param>
/// <param name="Loads">Calls of a load function (one per run of consecutive missing days).</param>
/// <param name="DaysInvalidated">Days invalidated by writes (one per day per invalidation; a change applied to its day counts in <paramref name="DaysApplied"/> instead).</param>
/// <param name="Entries">Days held now.</param>
/// <param name="DaysApplied">Days updated with a write's own change instead of being loaded again (single node).</param>
public sealed record DaySegmentStatistics(long DaysServed, long DaysLoaded, long Loads, long DaysInvalidated, int Entries, long DaysApplied = 0);
