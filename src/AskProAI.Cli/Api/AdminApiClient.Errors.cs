using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;

namespace AskProAI.Cli.Api;

/// <summary>Turning network failures and ProblemDetails answers into one sentence and an exit code.</summary>
internal sealed partial class AdminApiClient
{
    private const int MaxServerTextLength = 500;

    private CliException Unreachable(string reason) => new(
        ExitCodes.Unreachable,
        $"Cannot reach the AskProAI service at {_connection.DisplayAddress}: {reason}. Is it running? Set --url or ASKPRO_URL.");

    private static string Describe(HttpRequestException exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return "host not found";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return "connection timed out";
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable }:
                    return "network unreachable";
                case SocketException { SocketErrorCode: SocketError.ConnectionReset or SocketError.ConnectionAborted }:
                    return "connection reset";
                case AuthenticationException:
                    return "TLS handshake failed (is it http rather than https?)";
                case TimeoutException:
                    return "connection timed out";
            }
        }

        return exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "host not found",
            HttpRequestError.SecureConnectionError => "TLS handshake failed (is it http rather than https?)",
            HttpRequestError.ResponseEnded => "the connection closed before an answer (is it an HTTP service?)",
            HttpRequestError.InvalidResponse => "the answer is not HTTP",
            _ => Clean(exception.Message).TrimEnd('.'),
        };
    }

    private static CliException Failure(HttpResponseMessage response, string body, string request)
    {
        var status = (int)response.StatusCode;
        var statusText = $"{status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
        var problem = Problem.Parse(body, response.ReasonPhrase);
        var said = problem.Summary;

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new CliException(
                ExitCodes.Unauthorized,
                $"The service rejected the token ({statusText}): it is missing, invalid or expired. "
                + "Set --token or ASKPRO_TOKEN to the admin API token or a SuperAdmin's access token."),
            HttpStatusCode.Forbidden => new CliException(
                ExitCodes.Unauthorized,
                $"The token is valid but may not manage the cache ({statusText}): it belongs to a user who is not a SuperAdmin. "
                + "Use the admin API token or a SuperAdmin's access token."),
            HttpStatusCode.NotFound when problem.Widgets is { Count: > 0 } widgets => new CliException(
                ExitCodes.NotFound,
                widgets.All(w => said?.Contains(w, StringComparison.Ordinal) == true)
                    ? said!
                    : $"{said ?? "Unknown widget."} Valid widgets: {string.Join(", ", widgets)}."),
            HttpStatusCode.NotFound => new CliException(
                ExitCodes.NotFound,
                said ?? $"Not found ({statusText}) for {request}: does this service have the cache admin API?"),
            _ when status is >= 400 and < 500 => new CliException(
                ExitCodes.BadRequest,
                $"The service refused the request ({statusText}): {said ?? "no reason given"}{problem.Errors}"),
            _ when status >= 500 => new CliException(
                ExitCodes.ServerError,
                $"The service failed ({statusText}){(said is null ? "." : ": " + said)}"),
            _ => new CliException(ExitCodes.ServerError, $"Unexpected answer from the service ({statusText}) for {request}."),
        };
    }

    /// <summary>Text from the service, made safe to print: no control characters (terminal escapes), bounded length.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, MaxServerTextLength));
        foreach (var c in text)
        {
            if (builder.Length == MaxServerTextLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? ' ' : c);
        }

        return builder.ToString().Trim();
    }

    /// <summary>The parts of a ProblemDetails answer that <c>askpro</c> shows; lenient about everything else.</summary>
    private sealed record Problem(string? Title, string? Detail, IReadOnlyList<string>? Widgets, string Errors)
    {
        /// <summary>Gets "title: detail", or whichever of the two the service gave.</summary>
        public string? Summary => (Title, Detail) switch
        {
            ({ } title, { } detail) when !detail.StartsWith(title, StringComparison.OrdinalIgnoreCase) => $"{title.TrimEnd('.')}: {detail}",
            (_, { } detail) => detail,
            ({ } title, null) => title,
            _ => null,
        };

        /// <summary>Reads the body; a title that only repeats the status (<paramref name="reasonPhrase"/>) is dropped.</summary>
        public static Problem Parse(string body, string? reasonPhrase)
        {
            try
            {
                using var document = JsonDocument.Parse(body);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    return new Problem(null, null, null, string.Empty);
                }

                var title = Text(root, "title");
                if (string.Equals(title, reasonPhrase, StringComparison.OrdinalIgnoreCase))
                {
                    title = null;
                }

                return new Problem(title, Text(root, "detail"), Strings(root, "widgets"), ValidationErrors(root));
            }
            catch (JsonException)
            {
                return new Problem(null, null, null, string.Empty);
            }
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
                ? Clean(value.GetString()!)
                : null;

        private static List<string>? Strings(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
                ? [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => Clean(e.GetString()!))]
                : null;

        // ValidationProblemDetails: {"errors": {"field": ["message", ...]}}.
        private static string ValidationErrors(JsonElement root)
        {
            if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
            {
                return string.Empty;
            }

            var parts = errors.EnumerateObject()
                .SelectMany(p => p.Value.ValueKind == JsonValueKind.Array ? p.Value.EnumerateArray() : Enumerable.Empty<JsonElement>())
                .Where(e => e.ValueKind == JsonValueKind.String)
                .Select(e => Clean(e.GetString()!));
            var text = string.Join(" ", parts);
            return text.Length == 0 ? string.Empty : " " + text;
        }
    }
}
