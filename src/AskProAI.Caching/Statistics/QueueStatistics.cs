namespace AskProAI.Caching;

/// <summary>State of the <c>cache</c> queue.</summary>
public sealed record QueueStatistics(int Depth, int Capacity, int Workers, long Enqueued, long Completed, long Failed, long Rejected);
