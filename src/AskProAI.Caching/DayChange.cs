namespace AskProAI.Caching;

/// <summary>
/// One row's change to a day part (<see cref="IDaySegmentCache.ApplyDaysAsync"/>): the instant that puts the row in a
/// local day, and the step from that day's part before the write to the part after it.
/// </summary>
/// <typeparam name="TPart">The widget's day part.</typeparam>
/// <param name="At">The row's time that decides its local day (a call's start, an appointment's booking).</param>
/// <param name="Apply">The part after the write, from the part before it; null when the change cannot be applied (the day is then loaded again).</param>
public sealed record DayChange<TPart>(DateTimeOffset At, Func<TPart, TPart?> Apply)
    where TPart : class, IDayPart<TPart>;
