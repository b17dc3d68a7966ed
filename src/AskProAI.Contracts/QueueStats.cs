namespace AskProAI.Contracts;

/// <summary>The <c>cache</c> queue (background refreshes and warms).</summary>
public sealed record QueueStats
{
    /// <summary>Gets the items waiting or running.</summary>
    public long Depth { get; init; }

    /// <summary>Gets the queue's bound.</summary>
    public long Capacity { get; init; }

    /// <summary>Gets the number of workers.</summary>
    public int Workers { get; init; }

    /// <summary>Gets the items queued since start.</summary>
    public long Enqueued { get; init; }

    /// <summary>Gets the items done.</summary>
    public long Completed { get; init; }

    /// <summary>Gets the items failed.</summary>
    public long Failed { get; init; }

    /// <summary>Gets the items refused (the same key already queued or running, the queue full, or stopping).</summary>
    public long Rejected { get; init; }
}
