namespace AskProAI.Contracts;

/// <summary>The answer of <c>GET /api/admin/cache/history</c>: the samples of the last hour, for the analytics page's charts.</summary>
public sealed record HistoryResponse
{
    /// <summary>Gets the sampling interval in seconds.</summary>
    public double IntervalSeconds { get; init; }

    /// <summary>Gets the samples, oldest first.</summary>
    public IReadOnlyList<CacheSample> Samples { get; init; } = [];

    /// <summary>Gets a sample taken now.</summary>
    public CacheSample? Current { get; init; }
}
