namespace AskProAI.Web.Features.Webhooks;

/// <summary>Settings of the signed webhooks (section <c>Webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>Gets or sets the telephony provider's webhook (<c>POST /webhooks/telephony</c>).</summary>
    public WebhookSenderOptions Telephony { get; set; } = new();

    /// <summary>Gets or sets the cache invalidation webhook (<c>POST /webhooks/cache/invalidate</c>).</summary>
    public WebhookSenderOptions Cache { get; set; } = new();

    /// <summary>Gets or sets how far a request's timestamp may be from now, either way.</summary>
    /// <value>The default value is 5 minutes.</value>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets the largest body accepted, in bytes.</summary>
    /// <value>The default value is 65,536.</value>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Whether the settings are usable: secrets empty (webhook off) or at least 16 characters.</summary>
    public bool IsValid() =>
        Telephony.Secret.Length is 0 or >= 16 && Cache.Secret.Length is 0 or >= 16
        && Tolerance > TimeSpan.Zero && MaxBodyBytes is > 0 and <= 16 * 1024 * 1024;
}

/// <summary>One sender's shared secret.</summary>
internal sealed class WebhookSenderOptions
{
    /// <summary>Gets or sets the HMAC-SHA256 secret; empty refuses every request (401).</summary>
    /// <value>The default value is empty.</value>
    public string Secret { get; set; } = string.Empty;
}
