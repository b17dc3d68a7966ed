namespace AskProAI.Contracts;

/// <summary>Database commands since start.</summary>
public sealed record DatabaseStats
{
    /// <summary>Gets the commands run.</summary>
    public long Queries { get; init; }

    /// <summary>Gets the commands slower than the slow-query threshold.</summary>
    public long SlowQueries { get; init; }

    /// <summary>Gets the commands run by widget computations: the cache's read path, apart from writes and webhooks.</summary>
    public long WidgetQueries { get; init; }

    /// <summary>Gets the database time of those commands, in milliseconds.</summary>
    public double WidgetQueryMs { get; init; }
}
