namespace AskProAI.Caching;

/// <summary>
/// Turns widget values into bytes: once per computed value; the bytes are kept with the value as its one serialized
/// form (its size estimate, its L2 payload and, when they are UTF-8 JSON, <see cref="CacheResult{T}.Utf8Json"/>).
/// </summary>
public interface IWidgetCacheSerializer
{
    /// <summary>Gets whether <see cref="Serialize{T}"/> writes UTF-8 JSON, which the cache may then hand out as a response body.</summary>
    /// <value>The default value is false; the default serializer's is true.</value>
    bool WritesUtf8Json => false;

    /// <summary>Serializes a value.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> bytes);
}
