using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace AskProAI.Web.Infrastructure.Errors;

/// <summary>
/// Answers the framework's <see cref="BadHttpRequestException"/> with its own status (400, 413, 415) as ProblemDetails;
/// a JSON body that does not bind becomes a ValidationProblem whose error key is the JSON path of the bad value
/// (<c>branchId</c>, <c>calls[3].startedAt</c>, <c>body</c> for the document itself). No value is echoed.
/// </summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>The error key for a problem with the body as a whole (not JSON, an array instead of an object).</summary>
    public const string BodyField = "body";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        ProblemDetails problem = bad.InnerException is JsonException json
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                [FieldOf(json.Path)] = [MessageOf(json)],
            })
            {
                Title = "The request is not valid",
                Status = StatusCodes.Status400BadRequest,
            }
            : new ProblemDetails
            {
                Title = bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => "Body too large",
                    StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
                    _ => "Bad request",
                },
                Detail = bad.StatusCode == StatusCodes.Status415UnsupportedMediaType
                    ? "Send a JSON body with Content-Type application/json."
                    : "The request could not be read.",
                Status = bad.StatusCode,
            };
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary><c>$.calls[0].branchId</c> → <c>calls[0].branchId</c>; <c>$</c> or no path → <see cref="BodyField"/>.</summary>
    internal static string FieldOf(string? path) =>
        path is null || path.Length <= 2 || !path.StartsWith("$.", StringComparison.Ordinal) ? BodyField : path[2..];

    private static string MessageOf(JsonException json) =>
        json.Path is null or "$"
            ? $"The body is not a JSON object of the expected shape (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1})."
            : $"The value is not valid JSON for this field or is out of its range (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}).";
}
