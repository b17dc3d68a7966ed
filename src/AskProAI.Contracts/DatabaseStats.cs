namespace AskProAI.Contracts;

/// <summary>Database commands since start.</summary>
public sealed record DatabaseStats
{
    /// <summary>Gets the commands run.</summary>
    public long Queries { get; init; }

    /// <summary>Gets the commands slower than the slow-query threshold.</summary>
    public long SlowQueries { get; init; }
}
