namespace AskProAI.Caching;

/// <summary>One slow computation.</summary>
public sealed record SlowComputation(string Widget, int CompanyId, TimeSpan Duration, DateTimeOffset At);
