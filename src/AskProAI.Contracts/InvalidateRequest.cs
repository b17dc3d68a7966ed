namespace AskProAI.Contracts;

/// <summary>The body of <c>POST /api/admin/cache/invalidate</c>.</summary>
/// <param name="Tag">A tag (<c>live_data</c>, <c>widget:recent_calls</c>, ...), narrowed to <paramref name="Company"/> when given.</param>
/// <param name="Company">One company.</param>
public sealed record InvalidateRequest(string? Tag, int? Company);
