using System.Text.Json;

namespace AskProAI.Caching.Internal;

/// <summary>The default serializer: System.Text.Json with web defaults.</summary>
internal sealed class JsonWidgetCacheSerializer : IWidgetCacheSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public T Deserialize<T>(ReadOnlySpan<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes, Options) ?? throw new JsonException("The stored value is null.");
}
