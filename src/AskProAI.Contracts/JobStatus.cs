using System.Text.Json.Serialization;

namespace AskProAI.Contracts;

/// <summary>A job's progress (<c>GET /api/admin/cache/jobs/{jobId}</c>, and the recent jobs of the stats).</summary>
public sealed record JobStatus
{
    /// <summary>Gets the job id.</summary>
    public string JobId { get; init; } = string.Empty;

    /// <summary>Gets <c>refresh</c>, <c>warm</c> or <c>prehour</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>Gets <c>queued</c>, <c>running</c>, <c>completed</c> or <c>failed</c>.</summary>
    public string State { get; init; } = string.Empty;

    /// <summary>Gets what is computed.</summary>
    public string? Scope { get; init; }

    /// <summary>Gets the number of computations in the job.</summary>
    public int Total { get; init; }

    /// <summary>Gets the computations done.</summary>
    public int Completed { get; init; }

    /// <summary>Gets the computations failed.</summary>
    public int Failed { get; init; }

    /// <summary>Gets when the job was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets when it started running.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets whether the job is over (<c>completed</c> or <c>failed</c>); not sent.</summary>
    [JsonIgnore]
    public bool IsFinished => State is "completed" or "failed";
}
