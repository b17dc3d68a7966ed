namespace AskProAI.Web.Features.Invalidation;

/// <summary>
/// The time a request spent on its writes' invalidation (the stamps, in distributed mode the live widget's computation
/// and the other instances' answers), for its <c>Server-Timing</c> header: a write endpoint starts one, the invalidator
/// adds to the one its async flow carries. Without one, nothing is counted.
/// </summary>
internal sealed class InvalidationTiming
{
    private static readonly AsyncLocal<InvalidationTiming?> Scope = new();
    private long _ticks;

    /// <summary>Gets the timing of the current request, if its endpoint started one.</summary>
    public static InvalidationTiming? Current => Scope.Value;

    /// <summary>Gets the time counted so far.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>Starts counting for the calling async flow (the request's endpoint and what it awaits).</summary>
    public static InvalidationTiming Start()
    {
        var timing = new InvalidationTiming();
        Scope.Value = timing;
        return timing;
    }

    /// <summary>Adds one invalidation's time.</summary>
    public void Add(TimeSpan elapsed) => Interlocked.Add(ref _ticks, elapsed.Ticks);
}
