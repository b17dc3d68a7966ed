namespace AskProAI.Contracts;

/// <summary>The answer of <c>POST warm</c>: the job that was queued.</summary>
public sealed record JobAccepted
{
    /// <summary>Gets the job id.</summary>
    public string JobId { get; init; } = string.Empty;

    /// <summary>Gets <c>warm</c> or <c>refresh</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Gets the number of companies.</summary>
    public int Companies { get; init; }

    /// <summary>Gets the number of widgets per company.</summary>
    public int Widgets { get; init; }

    /// <summary>Gets where to poll the job (<c>GET /api/admin/cache/jobs/{jobId}</c>).</summary>
    public string? StatusUrl { get; init; }
}
