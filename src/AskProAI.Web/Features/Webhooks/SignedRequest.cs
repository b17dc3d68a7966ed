using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.Webhooks;

/// <summary>Reads a webhook body (bounded) and checks its signature against one sender's secret.</summary>
internal sealed class SignedRequestReader(IOptions<WebhookOptions> options, TimeProvider time, ILogger<SignedRequestReader> logger)
{
    /// <summary>Returns the raw body when the request is authentic; else the 401/413 response to send.</summary>
    public async Task<(byte[]? Body, IResult? Problem)> ReadAsync(HttpContext context, Func<WebhookOptions, WebhookSenderOptions> sender, string name)
    {
        var settings = options.Value;
        var request = context.Request;
        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return (null, TooLarge(settings));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > settings.MaxBodyBytes)
            {
                return (null, TooLarge(settings));
            }

            buffer.Write(chunk, 0, read);
        }

        var body = buffer.ToArray();
        var secret = sender(settings).Secret;
        var reason = WebhookSignature.Verify(
            secret,
            request.Headers[WebhookSignature.TimestampHeader],
            request.Headers[WebhookSignature.SignatureHeader],
            body,
            time.GetUtcNow(),
            settings.Tolerance);
        if (reason is not null)
        {
            Log.WebhookRejected(logger, name, reason);
            return (null, TypedResults.Problem(title: "Unauthorized", detail: reason, statusCode: StatusCodes.Status401Unauthorized));
        }

        return (body, null);
    }

    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(title: "Invalid webhook request", detail: detail, statusCode: StatusCodes.Status400BadRequest);

    private static IResult TooLarge(WebhookOptions settings) => TypedResults.Problem(
        title: "Body too large",
        detail: $"The body must be at most {settings.MaxBodyBytes} bytes.",
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
