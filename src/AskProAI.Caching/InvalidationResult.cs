namespace AskProAI.Caching;

/// <summary>What an invalidation or clear did.</summary>
/// <param name="Tags">The tags whose timestamps moved.</param>
/// <param name="Scope">A human description of what became invalid.</param>
public sealed record InvalidationResult(IReadOnlyList<string> Tags, string Scope);
