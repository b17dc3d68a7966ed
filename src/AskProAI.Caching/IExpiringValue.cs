namespace AskProAI.Caching;

/// <summary>
/// A widget value that stops being true at an instant of its own (a "today" figure at the next local midnight), which
/// may come before its TTL or bucket ends. The engine caps the entry's expiry there, in L1 and L2 alike, so the first
/// read after it computes the value anew like any other expiry; a value whose end passes while it is being computed
/// is computed once more for the current instant before anyone is given it.
/// </summary>
public interface IExpiringValue
{
    /// <summary>Gets the instant after which the value must not be served.</summary>
    DateTimeOffset ValidUntil { get; }
}
