using System.Text.Json;

namespace AskProAI.Caching.Internal;

/// <summary>
/// The default serializer: System.Text.Json with web defaults and fields included, so value tuples and records
/// with fields round-trip. The first value of each type is checked to come back as the same JSON; a type that
/// does not (get-only properties without a matching constructor, for instance) is refused with an exception
/// naming it, so L2 never hands back a value with zeros and nulls in place of its data.
/// </summary>
internal sealed class JsonWidgetCacheSerializer : IWidgetCacheSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { IncludeFields = true };

    /// <summary>Gets true: the bytes are UTF-8 JSON with web defaults (camelCase), as ASP.NET Core writes responses.</summary>
    public bool WritesUtf8Json => true;

    public byte[] Serialize<T>(T value)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, Options);
        if (!RoundTrip<T>.Verified)
        {
            Verify<T>(bytes);
        }

        return bytes;
    }

    public T Deserialize<T>(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new JsonException("The stored value is null.");

    private static void Verify<T>(byte[] bytes)
    {
        byte[] again;
        try
        {
            again = JsonSerializer.SerializeToUtf8Bytes(JsonSerializer.Deserialize<T>(bytes, Options), Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            throw new NotSupportedException(
                $"Widget values of type {typeof(T).FullName} cannot be read back by the default JSON serializer: {ex.Message}", ex);
        }

        if (!again.AsSpan().SequenceEqual(bytes))
        {
            throw new NotSupportedException(
                $"Widget values of type {typeof(T).FullName} do not round-trip through the default JSON serializer: some of "
                + "their data would come back from L2 as default values. Give the type a constructor whose parameters match "
                + "its properties (a positional record does), settable properties or public fields, or register an "
                + "IWidgetCacheSerializer that handles it.");
        }

        RoundTrip<T>.Verified = true;
    }

    /// <summary>Whether a value of the type was seen to round-trip (checked once per type).</summary>
    private static class RoundTrip<T>
    {
        public static volatile bool Verified;
    }
}
