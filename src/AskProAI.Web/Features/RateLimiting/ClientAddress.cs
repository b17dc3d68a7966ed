namespace AskProAI.Web.Features.RateLimiting;

/// <summary>
/// The client a request counts against: the connection's remote address (behind a reverse proxy, configure forwarded
/// headers so that this is the caller's, see docs/security.md).
/// </summary>
internal static class ClientAddress
{
    /// <summary>The remote address as text, or <c>unknown</c>.</summary>
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
