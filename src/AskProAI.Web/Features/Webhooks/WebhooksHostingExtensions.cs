namespace AskProAI.Web.Features.Webhooks;

/// <summary>Registers the signed webhooks.</summary>
internal static class WebhooksHostingExtensions
{
    /// <summary>Adds <see cref="WebhookOptions"/> (section <c>Webhooks</c>, validated on start) and the webhook services.</summary>
    public static WebApplicationBuilder AddWebhooks(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>()
            .BindConfiguration(WebhookOptions.SectionName)
            .Validate(o => o.IsValid(), "Webhooks: each secret must be empty (webhook off) or at least 16 characters; Tolerance and MaxBodyBytes positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<SignedRequestReader>();
        builder.Services.AddSingleton<WebhookReplayGuard>();
        builder.Services.AddScoped<TelephonyEventProcessor>();
        return builder;
    }
}
