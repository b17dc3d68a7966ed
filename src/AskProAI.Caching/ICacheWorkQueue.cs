namespace AskProAI.Caching;

/// <summary>The <c>cache</c> queue: bounded, deduplicated by key, processed by a fixed number of workers.</summary>
public interface ICacheWorkQueue
{
    /// <summary>The queue's name, as in the seed.</summary>
    const string Name = "cache";

    /// <summary>Queues work unless work with the same key is queued or running, or the queue is full.</summary>
    /// <returns>Whether the work was queued.</returns>
    bool TryEnqueue(string key, Func<CancellationToken, Task> work);

    /// <summary>Gets the number of items waiting or running.</summary>
    int Depth { get; }

    /// <summary>Returns the queue's counters.</summary>
    QueueStatistics GetStatistics();

    /// <summary>Waits until the queue is empty and every worker is idle (for jobs and tests).</summary>
    Task WhenIdleAsync(CancellationToken cancellationToken = default);
}
