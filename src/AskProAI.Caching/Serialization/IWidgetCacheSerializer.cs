namespace AskProAI.Caching;

/// <summary>Turns widget values into bytes for L2 and size estimates.</summary>
public interface IWidgetCacheSerializer
{
    /// <summary>Serializes a value.</summary>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value.</summary>
    T Deserialize<T>(ReadOnlySpan<byte> bytes);
}
