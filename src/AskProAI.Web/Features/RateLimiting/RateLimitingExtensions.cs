using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Features.RateLimiting;

/// <summary>ASP.NET Core rate limiting per client address: a global limit on every route, tighter ones on login and webhooks.</summary>
internal static class RateLimitingExtensions
{
    /// <summary>The policy of login and token refresh.</summary>
    public const string LoginPolicy = "login";

    /// <summary>The policy of the signed webhooks.</summary>
    public const string WebhookPolicy = "webhooks";

    /// <summary>Adds <see cref="RateLimitOptions"/> (section <c>RateLimits</c>, validated at start) and the limiter.</summary>
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((o, settings) =>
        {
            var limits = settings.Value;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.GetTokenBucketLimiter(
                ClientAddress.Of(context),
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.GlobalPerSecond,
                    TokensPerPeriod = limits.GlobalPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                }));
            o.AddPolicy(LoginPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.LoginPermits, Window = limits.LoginWindow, QueueLimit = 0 }));
            o.AddPolicy(WebhookPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Of(context),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.WebhooksPerSecond, Window = TimeSpan.FromSeconds(1), QueueLimit = 0 }));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) => RejectAsync(context.HttpContext, context.Lease);
        });
        return builder;
    }

    /// <summary>Uses the limiter (after routing, so the endpoint policies apply).</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Writes 429 ProblemDetails with <c>Retry-After</c> in whole seconds.</summary>
    public static async ValueTask TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    /// <summary>Whole seconds, at least 1, as the <c>Retry-After</c> header wants.</summary>
    public static string RetryAfterSeconds(TimeSpan retryAfter) =>
        Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    private static ValueTask RejectAsync(HttpContext context, RateLimitLease lease)
    {
        Log.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RateLimitingExtensions).FullName!));
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        return TooManyRequestsAsync(context, retryAfter, "This client sent too many requests; retry after the time in Retry-After.");
    }
}
