using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AskProAI.Web.Features.Invalidation;
using AskProAI.Web.Features.RateLimiting;
using AskProAI.Web.Features.Tenancy;

namespace AskProAI.Web.Features.Webhooks;

/// <summary>Maps the signed, anonymous webhooks.</summary>
internal static class WebhookEndpoints
{
    /// <summary>Maps <c>POST /webhooks/telephony</c> and <c>POST /webhooks/cache/invalidate</c>.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/webhooks").AllowAnonymous().RequireRateLimiting(RateLimitingExtensions.WebhookPolicy).ExcludeFromDescription();
        hooks.MapPost("/telephony", TelephonyAsync).WithName("TelephonyWebhook");
        hooks.MapPost("/cache/invalidate", InvalidateCacheAsync).WithName("CacheInvalidationWebhook");
        return app;
    }

    private static async Task<IResult> TelephonyAsync(HttpContext context, SignedRequestReader reader, TelephonyEventProcessor processor, CancellationToken cancellationToken)
    {
        var (body, problem) = await reader.ReadAsync(context, o => o.Telephony, "telephony");
        if (problem is not null)
        {
            return problem;
        }

        if (!TryRead<TelephonyEvent>(body!, out var e, out var error))
        {
            return SignedRequestReader.BadRequest(error);
        }

        // Server-Timing: the whole event, and of it the invalidation (ADR 0026: in distributed mode the live widget's
        // computation and the other instances' answers), so a slow acknowledgement says where its time went.
        var started = Stopwatch.GetTimestamp();
        var invalidation = InvalidationTiming.Start();
        var result = await processor.ProcessAsync(e, Encoding.UTF8.GetString(WithoutBom(body!)), cancellationToken);
        context.Response.Headers["Server-Timing"] = string.Create(
            CultureInfo.InvariantCulture,
            $"event;dur={Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.###}, invalidate;dur={invalidation.Elapsed.TotalMilliseconds:0.###}");
        return result;
    }

    private static async Task<IResult> InvalidateCacheAsync(
        HttpContext context,
        SignedRequestReader reader,
        WebhookReplayGuard replays,
        CompanyDirectory companies,
        IWidgetInvalidator invalidator,
        CancellationToken cancellationToken)
    {
        var (body, problem) = await reader.ReadAsync(context, o => o.Cache, "cache");
        if (problem is not null)
        {
            return problem;
        }

        // Authentic and fresh, but maybe captured and sent again within the window: each signed request counts once.
        if (!replays.TryFirstUse(context.Request.Headers[WebhookSignature.SignatureHeader]!))
        {
            return TypedResults.Problem(
                title: "Replayed request",
                detail: "This signed request was received before; sign each request anew.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (!TryRead<CacheInvalidationRequest>(body!, out var request, out var error))
        {
            return SignedRequestReader.BadRequest(error);
        }

        if (request.CompanyId is not > 0 || request.Tags is not { Count: > 0 and <= 100 })
        {
            return SignedRequestReader.BadRequest("Send a positive companyId and 1 to 100 tags.");
        }

        var companyId = request.CompanyId.Value;
        if (!await companies.ExistsAsync(companyId, cancellationToken))
        {
            return SignedRequestReader.BadRequest("No company has this companyId.");
        }

        if (!CompanyTags.TryParseAll(request.Tags, companyId, out var tags, out error))
        {
            return SignedRequestReader.BadRequest(error!);
        }

        var widgets = await invalidator.InvalidateTagsAsync(companyId, tags, CancellationToken.None);
        return TypedResults.Ok(new CacheInvalidationResult(companyId, [.. tags.Select(t => t.ToString())], widgets));
    }

    /// <summary>The body after a UTF-8 byte order mark, if any (the signature covers the bytes as sent, the BOM included).</summary>
    private static ReadOnlySpan<byte> WithoutBom(byte[] body) =>
        body.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? body.AsSpan(Encoding.UTF8.Preamble.Length) : body;

    private static bool TryRead<T>(byte[] body, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value, out string error)
        where T : class
    {
        error = string.Empty;
        try
        {
            value = JsonSerializer.Deserialize<T>(WithoutBom(body), JsonSerializerOptions.Web);
        }
        catch (JsonException exception)
        {
            value = null;
            error = $"The body is not a valid JSON event ({exception.Path ?? "$"}, line {exception.LineNumber + 1}).";
            return false;
        }

        if (value is null)
        {
            error = "The body must be a JSON object.";
            return false;
        }

        return true;
    }
}
