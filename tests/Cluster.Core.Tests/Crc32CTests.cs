using System.Text;

namespace Cluster.Core.Tests;

public sealed class Crc32CTests
{
    private static IEnumerable<TestCaseData> KnownVectors()
    {
        yield return new TestCaseData(Encoding.ASCII.GetBytes("123456789"), 0xE3069283u).SetName("Check value of 123456789");
        yield return new TestCaseData(new byte[32], 0x8A9136AAu).SetName("RFC 3720 thirty-two zeros");
        yield return new TestCaseData(Enumerable.Repeat((byte)0xFF, 32).ToArray(), 0x62A8AB43u).SetName("RFC 3720 thirty-two 0xFF");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), 0x46DD794Eu).SetName("RFC 3720 incrementing 0 to 31");
        yield return new TestCaseData(Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(), 0x113FDB5Cu).SetName("RFC 3720 decrementing 31 to 0");
        yield return new TestCaseData(Array.Empty<byte>(), 0u).SetName("Empty input");
    }

    [TestCaseSource(nameof(KnownVectors))]
    public void Compute_matches_the_published_vectors(byte[] data, uint expected)
    {
        Assert.That(Crc32C.Compute(data), Is.EqualTo(expected));
        Assert.That(Crc32C.ComputeSoftware(data), Is.EqualTo(expected));
    }

    [Test]
    public void Hardware_and_software_agree_on_random_buffers_of_every_length_up_to_300()
    {
        var random = new RandomSource(32);
        for (var length = 0; length <= 300; length++)
        {
            var buffer = new byte[length + 7];
            random.NextBytes(buffer);

            // Several misalignments, so the eight-byte loads are exercised off word boundaries too.
            for (var shift = 0; shift < 8; shift += 3)
            {
                var data = buffer.AsSpan(shift, length);
                var software = Crc32C.ComputeSoftware(data);
                Assert.That(Crc32C.Compute(data), Is.EqualTo(software), $"length {length}, shift {shift}");
                if (Crc32C.IsHardwareAccelerated)
                {
                    Assert.That(Crc32C.ComputeHardware(data), Is.EqualTo(software), $"length {length}, shift {shift}");
                }
            }
        }
    }

    [Test]
    public void The_software_path_matches_a_bit_at_a_time_reference()
    {
        var random = new RandomSource(5);
        var buffer = new byte[1000];
        random.NextBytes(buffer);
        for (var length = 0; length <= buffer.Length; length += 37)
        {
            Assert.That(Crc32C.ComputeSoftware(buffer.AsSpan(0, length)), Is.EqualTo(BitwiseReference(buffer.AsSpan(0, length))), $"length {length}");
        }
    }

    [Test]
    public void Append_continues_a_checksum_across_any_split()
    {
        var random = new RandomSource(9);
        var data = new byte[257];
        random.NextBytes(data);
        var whole = Crc32C.Compute(data);
        for (var split = 0; split <= data.Length; split++)
        {
            var pieces = Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split));
            Assert.That(pieces, Is.EqualTo(whole), $"split {split}");
        }
    }

    [Test]
    public void A_single_flipped_bit_changes_the_checksum()
    {
        var data = new byte[64];
        new RandomSource(1).NextBytes(data);
        var original = Crc32C.Compute(data);
        for (var bit = 0; bit < data.Length * 8; bit++)
        {
            data[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.That(Crc32C.Compute(data), Is.Not.EqualTo(original), $"bit {bit}");
            data[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    private static uint BitwiseReference(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
