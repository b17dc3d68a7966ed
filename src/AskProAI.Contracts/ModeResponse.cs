namespace AskProAI.Contracts;

/// <summary>The answer of <c>POST /api/admin/cache/mode</c>.</summary>
public sealed record ModeResponse
{
    /// <summary>Gets the mode set.</summary>
    public string? Mode { get; init; }

    /// <summary>Gets the share of companies on Optimized.</summary>
    public int? Percent { get; init; }

    /// <summary>Gets the widgets changed.</summary>
    public IReadOnlyList<string>? Widgets { get; init; }
}
