namespace AskProAI.Contracts;

/// <summary>One of the slowest recent computations.</summary>
public sealed record SlowStats
{
    /// <summary>Gets the widget name.</summary>
    public string Widget { get; init; } = string.Empty;

    /// <summary>Gets the company.</summary>
    public int CompanyId { get; init; }

    /// <summary>Gets how long the computation took, in milliseconds.</summary>
    public double DurationMs { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? At { get; init; }
}
