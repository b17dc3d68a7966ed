using System.Globalization;

namespace AskProAI.Caching;

/// <summary>
/// The key of one cached widget value: <c>widget:{name}:{company_id}:{bucket}</c>, where the bucket is the
/// UTC minute (<c>2025-08-06-18-07</c>) for live widgets and the UTC hour (<c>2025-08-06-18</c>) otherwise.
/// </summary>
/// <remarks>
/// A value type so that deriving it on the hit path allocates nothing; the string form is produced only
/// when something outside the process needs it (L2, logs, tools). Only validated names and positive
/// company ids can be represented, so no caller can inject <c>:</c> or address another tenant's key.
/// </remarks>
public readonly struct WidgetKey : IEquatable<WidgetKey>, ISpanFormattable
{
    private const string Prefix = "widget:";

    internal WidgetKey(string name, WidgetTier tier, int companyId, int bucket)
    {
        Name = name;
        Tier = tier;
        CompanyId = companyId;
        Bucket = bucket;
    }

    /// <summary>Gets the widget name (<c>[a-z0-9_]+</c>).</summary>
    public string Name { get; }

    /// <summary>Gets the widget's tier, which decides the bucket granularity.</summary>
    public WidgetTier Tier { get; }

    /// <summary>Gets the company (tenant) id, always positive.</summary>
    public int CompanyId { get; }

    /// <summary>Gets the bucket number: minutes or hours since the Unix epoch, by tier.</summary>
    public int Bucket { get; }

    /// <summary>Gets the start of the bucket in UTC.</summary>
    public DateTimeOffset BucketStart => BucketStartOf(Tier, Bucket);

    /// <summary>Creates the key for a widget, company and instant.</summary>
    /// <exception cref="ArgumentException">The name is not a valid widget name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The company id is not positive.</exception>
    public static WidgetKey Create(string name, WidgetTier tier, int companyId, DateTimeOffset at)
    {
        WidgetName.ThrowIfInvalid(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(companyId);
        return new WidgetKey(name, tier, companyId, BucketOf(tier, at.UtcTicks));
    }

    /// <summary>The bucket number of an instant (UTC ticks) for a tier.</summary>
    public static int BucketOf(WidgetTier tier, long utcTicks)
    {
        var sinceEpoch = utcTicks - DateTime.UnixEpoch.Ticks;
        return (int)(sinceEpoch / (tier.UsesMinuteBuckets() ? TimeSpan.TicksPerMinute : TimeSpan.TicksPerHour));
    }

    /// <summary>The UTC start of a bucket.</summary>
    public static DateTimeOffset BucketStartOf(WidgetTier tier, int bucket)
    {
        var unit = tier.UsesMinuteBuckets() ? TimeSpan.TicksPerMinute : TimeSpan.TicksPerHour;
        return new DateTimeOffset(DateTime.UnixEpoch.Ticks + (bucket * unit), TimeSpan.Zero);
    }

    /// <summary>The key of the bucket before this one (the previous minute or hour).</summary>
    public WidgetKey Previous() => new(Name, Tier, CompanyId, Bucket - 1);

    /// <inheritdoc />
    public bool Equals(WidgetKey other) =>
        Bucket == other.Bucket && CompanyId == other.CompanyId && string.Equals(Name, other.Name, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is WidgetKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, CompanyId, Bucket);

    /// <summary>Compares two keys.</summary>
    public static bool operator ==(WidgetKey left, WidgetKey right) => left.Equals(right);

    /// <summary>Compares two keys.</summary>
    public static bool operator !=(WidgetKey left, WidgetKey right) => !left.Equals(right);

    /// <summary>Gets the maximum length of a formatted key.</summary>
    public int FormattedLength => Prefix.Length + Name.Length + 1 + 10 + 1 + (Tier.UsesMinuteBuckets() ? 16 : 13);

    /// <summary>Writes <c>widget:{name}:{company_id}:{bucket}</c> into a span without allocating.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        charsWritten = 0;
        if (Name is null || destination.Length < Prefix.Length + Name.Length + 2)
        {
            return false;
        }

        var start = BucketStart.UtcDateTime;
        var format = Tier.UsesMinuteBuckets() ? "yyyy-MM-dd-HH-mm" : "yyyy-MM-dd-HH";
        var span = destination;
        Prefix.AsSpan().CopyTo(span);
        var n = Prefix.Length;
        Name.AsSpan().CopyTo(span[n..]);
        n += Name.Length;
        span[n++] = ':';
        if (!CompanyId.TryFormat(span[n..], out var w, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        n += w;
        if (n >= span.Length)
        {
            return false;
        }

        span[n++] = ':';
        if (!start.TryFormat(span[n..], out w, format, CultureInfo.InvariantCulture))
        {
            return false;
        }

        charsWritten = n + w;
        return true;
    }

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        TryFormat(destination, out charsWritten);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <summary>Returns <c>widget:{name}:{company_id}:{bucket}</c>.</summary>
    public override string ToString()
    {
        if (Name is null)
        {
            return string.Empty;
        }

        Span<char> buffer = stackalloc char[FormattedLength];
        return TryFormat(buffer, out var written) ? new string(buffer[..written]) : string.Empty;
    }
}
