using System.Buffers.Binary;
using System.IO.Compression;

namespace AskProAI.Caching.Redis.Internal;

/// <summary>
/// The Redis value of an entry: a header byte, the created and expiry times, then the payload, Brotli-compressed
/// (quality 1) when it is at least the threshold and compression saves space. Layout (little-endian):
/// <c>[0xA1 raw | 0xA2 brotli] [created i64] [expires i64] ([original length i32] for brotli) [payload]</c>.
/// Brotli quality 1 was chosen by measurement against LZ4 and GZip (see readme.md).
/// </summary>
internal static class PayloadCodec
{
    public const byte Raw = 0xA1;
    public const byte Brotli = 0xA2;
    public const int HeaderLength = 17;

    private const int Quality = 1;
    private const int WindowBits = 22;

    /// <summary>Values claiming to be larger than this are treated as garbage rather than allocated.</summary>
    public const int MaxPayloadLength = 64 * 1024 * 1024;

    public static byte[] Encode(StoredEntry entry, int compressionThreshold)
    {
        var payload = entry.Payload.Span;
        if (payload.Length >= compressionThreshold && payload.Length > 0)
        {
            var buffer = new byte[HeaderLength + 4 + BrotliEncoder.GetMaxCompressedLength(payload.Length)];
            if (BrotliEncoder.TryCompress(payload, buffer.AsSpan(HeaderLength + 4), out var written, Quality, WindowBits)
                && written + 4 < payload.Length)
            {
                WriteHeader(buffer, Brotli, entry);
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(HeaderLength), payload.Length);
                return buffer.AsSpan(0, HeaderLength + 4 + written).ToArray();
            }
        }

        var raw = new byte[HeaderLength + payload.Length];
        WriteHeader(raw, Raw, entry);
        payload.CopyTo(raw.AsSpan(HeaderLength));
        return raw;
    }

    public static bool TryDecode(ReadOnlySpan<byte> value, out StoredEntry? entry, out string? error)
    {
        entry = null;
        error = null;
        if (value.Length < HeaderLength || value[0] is not (Raw or Brotli))
        {
            error = "unknown header";
            return false;
        }

        var created = BinaryPrimitives.ReadInt64LittleEndian(value[1..]);
        var expires = BinaryPrimitives.ReadInt64LittleEndian(value[9..]);
        var body = value[HeaderLength..];
        if (value[0] == Raw)
        {
            entry = new StoredEntry(body.ToArray(), created, expires);
            return true;
        }

        if (body.Length < 4)
        {
            error = "truncated brotli header";
            return false;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(body);
        if (length is < 0 or > MaxPayloadLength)
        {
            error = "bad brotli length";
            return false;
        }

        var payload = new byte[length];
        if (!BrotliDecoder.TryDecompress(body[4..], payload, out var decoded) || decoded != length)
        {
            error = "brotli block does not decode to its length";
            return false;
        }

        entry = new StoredEntry(payload, created, expires);
        return true;
    }

    private static void WriteHeader(Span<byte> buffer, byte codec, StoredEntry entry)
    {
        buffer[0] = codec;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[1..], entry.CreatedUnixMs);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[9..], entry.ExpiresUnixMs);
    }
}
