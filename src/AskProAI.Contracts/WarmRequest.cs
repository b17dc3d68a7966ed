namespace AskProAI.Contracts;

/// <summary>The body of <c>POST /api/admin/cache/warm</c>: exactly one of <paramref name="Company"/> and <paramref name="All"/>.</summary>
/// <param name="Company">Warm one company.</param>
/// <param name="All">Warm every company.</param>
/// <param name="Widget">With a company: refresh only this widget (a refresh job).</param>
public sealed record WarmRequest(int? Company, bool? All, string? Widget = null);
