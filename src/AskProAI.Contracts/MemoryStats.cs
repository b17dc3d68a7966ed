namespace AskProAI.Contracts;

/// <summary>The service process's memory.</summary>
public sealed record MemoryStats
{
    /// <summary>Gets the process working set.</summary>
    public long WorkingSetBytes { get; init; }

    /// <summary>Gets the managed heap size.</summary>
    public long GcHeapBytes { get; init; }
}
