namespace Haystack.Tests.Store;

public sealed class NeedleFormatTests
{
    [TestCase(0)]
    [TestCase(1)]
    [TestCase(7)]
    [TestCase(8)]
    [TestCase(4093)]
    public void A_needle_round_trips_and_is_padded_to_eight_bytes(int size)
    {
        var data = Enumerable.Range(0, size).Select(i => (byte)(i * 31)).ToArray();
        var needle = new byte[NeedleFormat.NeedleBytes(size)];
        NeedleFormat.Write(needle, key: 0x1122334455667788, alternateKey: 3, cookie: 0xC0FFEE, data);

        var header = NeedleFormat.Verify(needle, out var reason);

        Assert.Multiple(() =>
        {
            Assert.That(reason, Is.Null);
            Assert.That(needle.Length % 8, Is.Zero);
            Assert.That(header, Is.EqualTo(new NeedleHeader(0xC0FFEE, 0x1122334455667788, 3, 0, (uint)size)));
            Assert.That(needle.AsSpan(NeedleFormat.HeaderBytes, size).ToArray(), Is.EqualTo(data));
        });
    }

    [Test]
    public void A_flipped_bit_anywhere_in_a_needle_is_detected()
    {
        var needle = new byte[NeedleFormat.NeedleBytes(21)];
        NeedleFormat.Write(needle, 42, 1, 99, Enumerable.Range(0, 21).Select(i => (byte)i).ToArray());
        var undetected = new List<string>();
        for (var bit = 0; bit < needle.Length * 8; bit++)
        {
            var damaged = (byte[])needle.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            if (NeedleFormat.Verify(damaged, out _) is not null)
            {
                undetected.Add($"byte {bit / 8} bit {bit % 8}");
            }
        }

        Assert.That(undetected, Is.Empty, "every field — magic, cookie, key, alternate key, flags, size, data, footer, checksum, padding — is covered");
    }

    [Test]
    public void A_delete_rewrites_only_the_guarded_flags_and_keeps_the_checksum_valid()
    {
        var needle = new byte[NeedleFormat.NeedleBytes(5)];
        NeedleFormat.Write(needle, 7, 0, 1, [1, 2, 3, 4, 5]);
        NeedleFormat.WriteFlags(needle.AsSpan(NeedleFormat.FlagsOffset), NeedleFormat.DeletedFlag);

        var header = NeedleFormat.Verify(needle, out _);

        Assert.That(header?.IsDeleted, Is.True);
    }

    [Test]
    public void A_superblock_round_trips_and_rejects_damage()
    {
        var block = new byte[NeedleFormat.SuperblockBytes];
        NeedleFormat.WriteSuperblock(block, volumeId: 12, generation: 3);
        var good = NeedleFormat.TryReadSuperblock(block, out _);
        block[13] ^= 0x10;
        var bad = NeedleFormat.TryReadSuperblock(block, out var reason);

        Assert.Multiple(() =>
        {
            Assert.That(good, Is.EqualTo(((uint)12, (uint)3)));
            Assert.That(bad, Is.Null);
            Assert.That(reason, Does.Contain("checksum"));
        });
    }
}
