using AskProAI.Web.Features.CacheAdmin;
using AskProAI.Web.Features.Webhooks;
using Microsoft.Extensions.Options;

namespace AskProAI.Web.Infrastructure.Setup;

/// <summary>
/// Settings Production must not run with (docs/security.md): the Development admin token or webhook secrets, or an
/// admin API token short enough to guess. Checked at start, like the demo users; the message names the setting.
/// </summary>
internal static class ProductionSettings
{
    /// <summary>The shortest admin API token accepted in Production.</summary>
    public const int MinAdminTokenLength = 32;

    private static readonly string[] DevelopmentSecrets = ["dev-admin-token", "dev-telephony-webhook-secret", "dev-cache-webhook-secret"];

    /// <summary>Throws when the environment is Production and a setting is unsafe.</summary>
    /// <exception cref="InvalidOperationException">A setting is unsafe for Production.</exception>
    public static void EnsureSafe(WebApplication app)
    {
        if (!app.Environment.IsProduction())
        {
            return;
        }

        var problems = new List<string>();
        var token = app.Services.GetRequiredService<IOptions<AdminApiOptions>>().Value.ApiToken;
        if (!string.IsNullOrEmpty(token) && (token.Length < MinAdminTokenLength || DevelopmentSecrets.Contains(token, StringComparer.Ordinal)))
        {
            problems.Add($"Admin:ApiToken must be empty (off) or a random value of at least {MinAdminTokenLength} characters");
        }

        var webhooks = app.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;
        foreach (var (name, secret) in new[] { ("Webhooks:Telephony:Secret", webhooks.Telephony.Secret), ("Webhooks:Cache:Secret", webhooks.Cache.Secret) })
        {
            if (DevelopmentSecrets.Contains(secret, StringComparer.Ordinal))
            {
                problems.Add($"{name} must not be the Development secret");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Refusing to start in Production: {string.Join("; ", problems)}.");
        }
    }
}
