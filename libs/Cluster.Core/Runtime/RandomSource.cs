namespace Cluster.Core;

/// <summary>
/// A seeded, fast pseudo-random source (xoshiro256**). The same seed gives the same sequence on every
/// platform and every .NET version, which <see cref="Random"/> does not promise.
/// </summary>
/// <remarks>
/// Server logic takes its randomness only from a <see cref="RandomSource"/> handed to it, never from
/// the process-wide shared generator, so that a simulation seed reproduces a run exactly. Not thread-safe:
/// give each node or component its own with <see cref="Fork"/>.
/// </remarks>
public sealed class RandomSource
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a source from a seed; every seed, zero included, gives a usable sequence.</summary>
    public RandomSource(ulong seed)
    {
        // SplitMix64 spreads the seed over the 256-bit state, so nearby seeds give unrelated sequences.
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Creates a source seeded from the operating system's entropy, for production wiring.</summary>
    public static RandomSource FromEntropy()
    {
        Span<byte> seed = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(seed);
        return new RandomSource(BitConverter.ToUInt64(seed));
    }

    /// <summary>Returns 64 uniformly distributed bits.</summary>
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

    /// <summary>Returns an integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is not positive.</exception>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextUInt64((ulong)maxExclusive);
    }

    /// <summary>Returns an integer in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty.</exception>
    public long Next(long minInclusive, long maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minInclusive, maxExclusive);
        return minInclusive + (long)NextUInt64((ulong)(maxExclusive - minInclusive));
    }

    /// <summary>Returns an integer in [0, <paramref name="maxExclusive"/>) using Lemire's unbiased method.</summary>
    public ulong NextUInt64(ulong maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxExclusive);
        var high = Math.BigMul(NextUInt64(), maxExclusive, out var low);
        if (low < maxExclusive)
        {
            var threshold = (0 - maxExclusive) % maxExclusive;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), maxExclusive, out low);
            }
        }

        return high;
    }

    /// <summary>Returns a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns true with probability <paramref name="probability"/> (clamped to [0, 1]).</summary>
    public bool Chance(double probability) => probability > 0 && (probability >= 1 || NextDouble() < probability);

    /// <summary>Fills <paramref name="buffer"/> with random bytes.</summary>
    public void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            BitConverter.TryWriteBytes(buffer, NextUInt64());
            buffer = buffer[8..];
        }

        if (!buffer.IsEmpty)
        {
            Span<byte> last = stackalloc byte[8];
            BitConverter.TryWriteBytes(last, NextUInt64());
            last[..buffer.Length].CopyTo(buffer);
        }
    }

    /// <summary>Returns a random (version 4 layout) identifier drawn from this source, for deterministic ids.</summary>
    public Guid NextGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    /// <summary>
    /// Derives an independent source from this one, advancing this one. Forking in a fixed order
    /// (one per node, one per component) keeps a whole simulated cluster reproducible from one seed.
    /// </summary>
    public RandomSource Fork() => new(NextUInt64());

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
