namespace AskProAI.Caching.Internal;

/// <summary>The stamps of one company: the company tag, its data types, and each of its widgets.</summary>
internal sealed class CompanyState
{
    public StampCell Company { get; } = new();

    public StampCell[] Tiers { get; } = [new(), new(), new()];

    public System.Collections.Concurrent.ConcurrentDictionary<int, StampCell> Widgets { get; } = new();
}
