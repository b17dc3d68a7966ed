namespace AskProAI.Contracts;

/// <summary>The answer of <c>POST clear</c> and <c>POST invalidate</c>: what a clear or an invalidation did.</summary>
public sealed record InvalidationResponse
{
    /// <summary>Gets <c>clear</c> or <c>invalidate</c>.</summary>
    public string? Action { get; init; }

    /// <summary>Gets the tags invalidated.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets a human description of what became invalid.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the number of companies affected.</summary>
    public int Companies { get; init; }

    /// <summary>Gets the number of widgets affected per company.</summary>
    public int Widgets { get; init; }
}
