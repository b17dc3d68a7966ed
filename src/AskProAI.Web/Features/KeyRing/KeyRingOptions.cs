using System.ComponentModel.DataAnnotations;

namespace AskProAI.Web.Features.KeyRing;

/// <summary>
/// The deployment's ASP.NET Core Data Protection key ring (section <c>KeyRing</c>): the keys behind bearer tokens, login
/// cookies and antiforgery tokens. Where it is stored is not an option: Redis in distributed mode, the database otherwise.
/// </summary>
internal sealed class KeyRingOptions
{
    public const string SectionName = "KeyRing";

    /// <summary>
    /// Gets or sets a PFX file whose certificate encrypts the keys at rest (Data Protection's
    /// <c>ProtectKeysWithCertificate</c>; Linux has no DPAPI, so a certificate is the way to encrypt them there).
    /// Every instance needs the same certificate, with its private key.
    /// </summary>
    /// <value>The default value is null: keys are stored unencrypted (a warning is logged outside Development).</value>
    public string? CertificatePath { get; set; }

    /// <summary>Gets or sets the password of <see cref="CertificatePath"/>.</summary>
    /// <value>The default value is null (no password).</value>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Gets or sets the Redis key of the key ring's XML elements in distributed mode, after <c>Cache:Redis:Prefix</c>.
    /// The environment name is appended, so environments sharing a Redis never share a key list.
    /// </summary>
    /// <value>The default value is <c>dataprotection:keys</c>.</value>
    [Required]
    [RegularExpression("^[A-Za-z0-9:_.-]{1,100}$")]
    public string RedisKey { get; set; } = "dataprotection:keys";
}
