using System.Net;
using System.Text;

namespace AskProAI.Cli.Tests.Infrastructure;

/// <summary>An HTTP handler that answers from a function and records what it was sent.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<(HttpMethod Method, string Path, string? Authorization, string? Body)> Requests { get; } = [];

    /// <summary>A handler answering every request with <paramref name="status"/> and <paramref name="json"/>.</summary>
    public static StubHandler Json(HttpStatusCode status, string json) => new(_ => Response(status, json));

    public static HttpResponseMessage Response(HttpStatusCode status, string json) => new(status)
    {
        Content = new StringContent(json, Encoding.UTF8, status is >= HttpStatusCode.BadRequest ? "application/problem+json" : "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Add((request.Method, request.RequestUri!.AbsolutePath, request.Headers.Authorization?.ToString(), body));
        return answer(request);
    }
}
