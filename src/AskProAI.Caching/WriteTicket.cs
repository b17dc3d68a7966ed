namespace AskProAI.Caching;

/// <summary>
/// The start of a write, on the engine's logical clock (<see cref="IWidgetCache.BeginWrite"/>). A cached value whose
/// computation ended before the ticket was taken cannot contain the write's rows, so the write's own change may be
/// applied to it (<see cref="IWidgetCache.ApplyChangeAsync"/>); any other value is dropped instead.
/// </summary>
/// <param name="Clock">The clock value of the write's start.</param>
public readonly record struct WriteTicket(long Clock);
