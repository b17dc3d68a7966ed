using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AskProAI.Web.Features.Webhooks;

/// <summary>
/// The webhook signature: <c>X-AskPro-Signature: sha256=&lt;hex&gt;</c>, the HMAC-SHA256 with the shared secret over
/// <c>{X-AskPro-Timestamp}.{raw body}</c>, the timestamp being Unix seconds. Compared in constant time; a timestamp
/// outside the tolerance either way is refused, so a captured request cannot be replayed later.
/// </summary>
internal static class WebhookSignature
{
    /// <summary>The header carrying the Unix time in seconds.</summary>
    public const string TimestampHeader = "X-AskPro-Timestamp";

    /// <summary>The header carrying <c>sha256=&lt;hex&gt;</c>.</summary>
    public const string SignatureHeader = "X-AskPro-Signature";

    private const string Prefix = "sha256=";

    /// <summary>Checks a request; null when it is authentic and fresh, else the reason.</summary>
    public static string? Verify(string secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (secret.Length == 0)
        {
            return "The webhook is not configured.";
        }

        if (string.IsNullOrEmpty(timestamp) || timestamp.Length > 12
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return $"Missing or malformed {TimestampHeader}.";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return $"{TimestampHeader} is outside the allowed window.";
        }

        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal) || signature.Length != Prefix.Length + 64)
        {
            return $"Missing or malformed {SignatureHeader}.";
        }

        Span<byte> given = stackalloc byte[32];
        if (Convert.FromHexString(signature.AsSpan(Prefix.Length), given, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return $"Missing or malformed {SignatureHeader}.";
        }

        Span<byte> expected = stackalloc byte[32];
        Compute(secret, timestamp, body, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected) ? null : "The signature does not match.";
    }

    /// <summary>Signs a body: the value of <see cref="SignatureHeader"/>.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        Span<byte> hash = stackalloc byte[32];
        Compute(secret, timestamp, body, hash);
        return Prefix + Convert.ToHexStringLower(hash);
    }

    private static void Compute(string secret, string timestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp + "."));
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
