namespace Gfs.Tests.Chunkserver;

/// <summary>
/// The metadata journal tells a torn last record (cut off as never acknowledged) from damage to a record before it (reported,
/// never silently cut), at every byte.
/// </summary>
public sealed class JournalFormatTests
{
    private const ulong Handle = 0xABC;
    private const long ChunkSize = 4 * ChunkStore.BlockSize;

    private static readonly JournalRecord[] Records =
    [
        new() { Kind = JournalRecordKind.Snapshot, Handle = Handle, Version = 1, Length = 0 },
        new() { Kind = JournalRecordKind.Update, Handle = Handle, Version = 1, Length = 70_000, FirstBlock = 0, Crcs = new uint[] { 11, 22 } },
        new() { Kind = JournalRecordKind.Update, Handle = Handle, Version = 2, Length = 70_000, FirstBlock = 1, Crcs = new uint[] { 33 }, HasRedo = true, RedoOffset = 65_000, Redo = ChunkDisk.Bytes(900, 1) },
    ];

    [Test]
    public void A_whole_journal_folds_into_the_last_state()
    {
        var scan = JournalFormat.Scan(Encode(Records), Handle, ChunkSize);
        Assert.Multiple(() =>
        {
            Assert.That((scan.Records, scan.Version, scan.Length, scan.TornBytes, scan.DamageOffset), Is.EqualTo((3, 2UL, 70_000L, 0L, -1L)));
            Assert.That(scan.Crcs.Take(2), Is.EqualTo(new uint[] { 11, 33 }));
            Assert.That(scan.LastRecord!.HasRedo, Is.True);
            Assert.That(scan.LastRecord.RedoOffset, Is.EqualTo(65_000));
            Assert.That(scan.LastRecord.Redo.ToArray(), Is.EqualTo(ChunkDisk.Bytes(900, 1)));
        });
    }

    [Test]
    public void The_last_record_torn_at_any_byte_with_or_without_garbage_is_cut_and_nothing_before_it()
    {
        var whole = Encode(Records);
        var before = Encode(Records[..2]).Length;
        var garbage = ChunkDisk.Bytes(whole.Length, 9);
        for (var cut = before; cut < whole.Length; cut++)
        {
            foreach (var withGarbage in new[] { false, true })
            {
                var torn = whole[..cut].Concat(withGarbage ? garbage[cut..] : []).ToArray();
                var scan = JournalFormat.Scan(torn, Handle, ChunkSize);
                Assert.That((scan.Records, scan.ValidEnd, scan.TornBytes, scan.DamageOffset), Is.EqualTo((2, (long)before, (long)(torn.Length - before), -1L)), $"cut at {cut}, garbage {withGarbage}");
            }
        }
    }

    [Test]
    public void A_flipped_bit_in_any_record_before_the_last_is_damage_not_a_torn_tail()
    {
        var whole = Encode(Records);
        var last = Encode(Records[..2]).Length;
        for (var at = 0; at < last; at++)
        {
            var damaged = (byte[])whole.Clone();
            damaged[at] ^= 0x10;
            var scan = JournalFormat.Scan(damaged, Handle, ChunkSize);
            Assert.That(scan.DamageOffset, Is.InRange(0, at), $"flip at {at}");
            Assert.That(scan.DamageReason, Is.Not.Null.And.Not.Empty);
        }
    }

    [Test]
    public void A_record_of_another_chunk_is_damage()
    {
        var scan = JournalFormat.Scan(Encode(Records), Handle + 1, ChunkSize);
        Assert.That(scan.DamageOffset, Is.Zero);
        Assert.That(scan.DamageReason, Does.Contain("in the journal of chunk"));
    }

    private static byte[] Encode(IEnumerable<JournalRecord> records)
    {
        var bytes = new List<byte>();
        foreach (var record in records)
        {
            var buffer = new byte[JournalFormat.RecordBytes(record)];
            JournalFormat.Encode(record, buffer);
            bytes.AddRange(buffer);
        }

        return [.. bytes];
    }
}
