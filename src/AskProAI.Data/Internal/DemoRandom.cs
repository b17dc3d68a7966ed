namespace AskProAI.Data.Internal;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the same seed gives the same numbers on every .NET version,
/// which <see cref="Random"/> does not promise. Only arithmetic, no transcendental functions, so results do not
/// depend on the platform's math library either.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Initializes a new instance of the <see cref="DemoRandom"/> class for one independent stream of a seed.</summary>
    public DemoRandom(int seed, int stream, int substream = 0)
    {
        var state = ((ulong)(uint)seed << 32) ^ ((ulong)(uint)stream * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)substream << 20);
        _s0 = SplitMix(ref state);
        _s1 = SplitMix(ref state);
        _s2 = SplitMix(ref state);
        _s3 = SplitMix(ref state);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a number in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns an integer in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => (int)(((NextUInt64() >> 32) * (ulong)maxExclusive) >> 32);

    /// <summary>Returns an integer in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => minInclusive + Next(maxExclusive - minInclusive);

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Returns an approximately standard normal number (Irwin–Hall sum of four uniforms).</summary>
    public double NextNormal() => (NextDouble() + NextDouble() + NextDouble() + NextDouble() - 2.0) * 1.7320508075688772;

    public T Pick<T>(T[] items) => items[Next(items.Length)];

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
