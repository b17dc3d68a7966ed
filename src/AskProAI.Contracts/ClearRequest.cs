namespace AskProAI.Contracts;

/// <summary>The body of <c>POST /api/admin/cache/clear</c>.</summary>
/// <param name="Widget">One widget, or all.</param>
/// <param name="Company">One company, or all.</param>
public sealed record ClearRequest(string? Widget, int? Company);
