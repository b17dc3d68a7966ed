namespace AskProAI.Contracts;

/// <summary>The body of <c>POST /api/admin/cache/mode</c>.</summary>
/// <param name="Mode"><c>Optimized</c>, <c>Legacy</c> or <c>Disabled</c>.</param>
/// <param name="Percent">With Optimized, the share of companies that get it (the rest Legacy); 100 by default.</param>
/// <param name="Widget">One widget, or all.</param>
public sealed record ModeRequest(string? Mode, int? Percent, string? Widget);
