using Cluster.Core;

namespace Raft.Core.Tests.Storage;

public sealed class EntryListTests
{
    [Test]
    public void Appends_and_removals_at_both_ends_match_a_plain_list_across_chunk_boundaries()
    {
        var random = new RandomSource(7);
        var list = new EntryList();
        var expected = new List<LogEntry>();
        ulong next = 1;
        for (var step = 0; step < 4_000; step++)
        {
            switch ((int)random.Next(0, 10))
            {
                case < 6:
                    for (var i = random.Next(1, 3 * EntryList.ChunkEntries / 2); i > 0; i--)
                    {
                        var entry = new LogEntry { Index = next, Term = next * 7, Data = new byte[] { (byte)next } };
                        next++;
                        list.Add(entry);
                        expected.Add(entry);
                    }

                    break;
                case < 8 when expected.Count > 0:
                    var suffix = (int)random.Next(0, expected.Count + 1);
                    list.RemoveRange(expected.Count - suffix, suffix);
                    expected.RemoveRange(expected.Count - suffix, suffix);
                    break;
                case < 10 when expected.Count > 0:
                    var prefix = (int)random.Next(0, expected.Count + 1);
                    list.RemoveRange(0, prefix);
                    expected.RemoveRange(0, prefix);
                    break;
            }

            Assert.That(list.Count, Is.EqualTo(expected.Count), $"step {step}");
            if (expected.Count > 0)
            {
                var middle = expected.Count / 2;
                Assert.That((list.Get(0, expected[0].Index), list.Get(expected.Count - 1, expected[^1].Index), list.TermAt(middle)),
                    Is.EqualTo((expected[0], expected[^1], expected[middle].Term)), $"step {step}");
            }
        }

        Assert.That(Enumerable.Range(0, list.Count).Select(i => list.Get(i, expected[i].Index)), Is.EqualTo(expected), "entries are values: read back equal, payload included");
        Assert.That(list.Get(list.Count - 1, expected[^1].Index), Is.SameAs(expected[^1]), "the newest entries are handed out as appended");
    }

    [Test]
    public void Removing_from_the_middle_or_reading_past_the_end_is_refused()
    {
        var list = new EntryList();
        for (ulong i = 1; i <= 10; i++)
        {
            list.Add(new LogEntry { Index = i });
        }

        Assert.Multiple(() =>
        {
            Assert.That(() => list.RemoveRange(2, 3), Throws.ArgumentException);
            Assert.That(() => list.TermAt(10), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => list.RemoveRange(5, 6), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
