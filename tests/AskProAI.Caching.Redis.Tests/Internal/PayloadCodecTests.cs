using System.Diagnostics;
using System.IO.Compression;
using AskProAI.Caching.Redis.Internal;
using K4os.Compression.LZ4;
using Xunit.Abstractions;

namespace AskProAI.Caching.Redis.Tests.Internal;

public sealed class PayloadCodecTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0, 1024)]
    [InlineData(100, 1024)]
    [InlineData(5_000, 1024)]
    [InlineData(5_000, 0)]
    public void EncodeDecode_RoundTrips(int size, int threshold)
    {
        var payload = WidgetPayloads.DashboardJson(size)[..size];
        var entry = new StoredEntry(payload, 123, 456);
        Assert.True(PayloadCodec.TryDecode(PayloadCodec.Encode(entry, threshold), out var decoded, out _));
        Assert.Equal(payload, decoded!.Payload.ToArray());
        Assert.Equal((123L, 456L), (decoded.CreatedUnixMs, decoded.ExpiresUnixMs));
    }

    [Fact]
    public void Encode_BelowThresholdOrIncompressible_StaysRaw()
    {
        Assert.Equal(PayloadCodec.Raw, PayloadCodec.Encode(new StoredEntry(WidgetPayloads.DashboardJson(900)[..900], 1, 2), 1024)[0]);
        Assert.Equal(PayloadCodec.Raw, PayloadCodec.Encode(new StoredEntry(WidgetPayloads.Random(4096), 1, 2), 1024)[0]);
        Assert.Equal(PayloadCodec.Brotli, PayloadCodec.Encode(new StoredEntry(WidgetPayloads.DashboardJson(4096), 1, 2), 1024)[0]);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0xA1, 0, 0 })]
    [InlineData(new byte[] { 0xA2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 9, 9 })]
    [InlineData(new byte[] { 0xA2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF })]
    public void TryDecode_Garbage_ReturnsFalse(byte[] value) =>
        Assert.False(PayloadCodec.TryDecode(value, out _, out _));

    /// <summary>
    /// The measurement behind the codec choice (readme.md): ratio and time of LZ4, Brotli and GZip on dashboard
    /// JSON; it prints the table and checks round trips and ratios only (times depend on the machine's load).
    /// Run: <c>dotnet test tests/AskProAI.Caching.Redis.Tests -c Release --filter CodecMeasurement --logger "console;verbosity=detailed"</c>.
    /// </summary>
    [Fact]
    public void CodecMeasurement_PrintsRatioAndTime()
    {
        output.WriteLine("| JSON bytes | codec           | packed | ratio | compress µs | decompress µs |");
        output.WriteLine("|-----------:|-----------------|-------:|------:|------------:|--------------:|");
        foreach (var size in new[] { 5_000, 10_000, 20_000 })
        {
            var json = WidgetPayloads.DashboardJson(size);
            foreach (var (name, compress, decompress) in Codecs())
            {
                var packed = compress(json);
                Assert.Equal(json, decompress(packed, json.Length));
                Assert.True(json.Length > packed.Length * 2, $"{name}: {json.Length} -> {packed.Length}");
                var (c, d) = (Time(() => compress(json)), Time(() => decompress(packed, json.Length)));
                output.WriteLine(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"| {json.Length,10} | {name,-15} | {packed.Length,6} | {(double)json.Length / packed.Length,5:F2} | {c,11:F1} | {d,13:F1} |"));
            }
        }
    }

    private static IEnumerable<(string Name, Func<byte[], byte[]> Compress, Func<byte[], int, byte[]> Decompress)> Codecs()
    {
        yield return ("LZ4 L00_FAST", Lz4(LZ4Level.L00_FAST), Lz4Decode);
        yield return ("LZ4 L09_HC", Lz4(LZ4Level.L09_HC), Lz4Decode);
        yield return ("Brotli q1", b => Brotli(b, 1), BrotliDecode);
        yield return ("Brotli q4", b => Brotli(b, 4), BrotliDecode);
        yield return ("GZip Fastest", b => GZip(b, CompressionLevel.Fastest), GZipDecode);
        yield return ("GZip Optimal", b => GZip(b, CompressionLevel.Optimal), GZipDecode);
    }

    private static Func<byte[], byte[]> Lz4(LZ4Level level) => bytes =>
    {
        var target = new byte[LZ4Codec.MaximumOutputSize(bytes.Length)];
        return target[..LZ4Codec.Encode(bytes, target, level)];
    };

    private static byte[] Lz4Decode(byte[] packed, int length)
    {
        var target = new byte[length];
        LZ4Codec.Decode(packed, target);
        return target;
    }

    private static byte[] Brotli(byte[] bytes, int quality)
    {
        var target = new byte[BrotliEncoder.GetMaxCompressedLength(bytes.Length)];
        Assert.True(BrotliEncoder.TryCompress(bytes, target, out var written, quality, 22));
        return target[..written];
    }

    private static byte[] BrotliDecode(byte[] packed, int length)
    {
        var target = new byte[length];
        Assert.True(BrotliDecoder.TryDecompress(packed, target, out _));
        return target;
    }

    private static byte[] GZip(byte[] bytes, CompressionLevel level)
    {
        using var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, level, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return stream.ToArray();
    }

    private static byte[] GZipDecode(byte[] packed, int length)
    {
        var target = new byte[length];
        using var gzip = new GZipStream(new MemoryStream(packed), CompressionMode.Decompress);
        gzip.ReadExactly(target);
        return target;
    }

    /// <summary>The fastest of 30 samples, in microseconds per call, after warm-up: the least disturbed by other load.</summary>
    private static double Time(Action action)
    {
        for (var i = 0; i < 200; i++)
        {
            action();
        }

        var samples = new double[30];
        for (var s = 0; s < samples.Length; s++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 40; i++)
            {
                action();
            }

            samples[s] = watch.Elapsed.TotalMicroseconds / 40;
        }

        return samples.Min();
    }
}
