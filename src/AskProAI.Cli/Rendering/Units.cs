using System.Globalization;

namespace AskProAI.Cli.Rendering;

/// <summary>Numbers as people read them: invariant culture, human units, a dash for "no data".</summary>
internal static class Units
{
    private const string None = "–";
    private static readonly string[] ByteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>1536 → "1.5 KiB".</summary>
    public static string Bytes(long bytes)
    {
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < ByteUnits.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + ByteUnits[unit];
    }

    /// <summary>95.24 → "95.2 ms", 1234 → "1.23 s".</summary>
    public static string Milliseconds(double? milliseconds)
    {
        if (milliseconds is not { } ms || double.IsNaN(ms) || double.IsInfinity(ms))
        {
            return None;
        }

        return ms < 1000
            ? ms.ToString("0.0", CultureInfo.InvariantCulture) + " ms"
            : (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) + " s";
    }

    /// <summary>0.9312 → "93.1 %".</summary>
    public static string Ratio(double? ratio) => ratio is { } r && !double.IsNaN(r) && !double.IsInfinity(r)
        ? (r * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %"
        : None;

    /// <summary>12345 → "12,345".</summary>
    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>An instant in UTC, to the second.</summary>
    public static string Instant(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : None;
}
