using Cluster.Core;

namespace Haystack.Tests.Store;

public sealed class NeedleIndexTests
{
    [Test]
    public void The_index_agrees_with_a_dictionary_under_random_operations()
    {
        var random = new RandomSource(2024);
        var index = new NeedleIndex();
        var model = new Dictionary<(ulong, uint), NeedleLocation>();
        for (var step = 0; step < 200_000; step++)
        {
            // Few distinct keys so that replaces, deletes and re-inserts of merged keys all happen often.
            var key = random.NextUInt64(20_000) * 0x0001_0000_0001_0001UL;
            var alternate = random.Chance(0.05) ? 1000u + (uint)random.Next(3) : (uint)random.Next(4);
            if (random.Chance(0.3))
            {
                Assert.That(index.Remove(key, alternate), Is.EqualTo(model.Remove((key, alternate))));
            }
            else
            {
                var location = new NeedleLocation(64 + (8 * random.Next(1, 1_000_000)), (int)(8 * random.Next(1, 10_000)));
                index.Set(key, alternate, location);
                model[(key, alternate)] = location;
            }
        }

        Assert.That(index.Count, Is.EqualTo(model.Count));
        Assert.That(index.LiveBytes, Is.EqualTo(model.Values.Sum(l => (long)l.Length)), "the live bytes follow every replace and remove");
        foreach (var ((key, alternate), location) in model)
        {
            Assert.That(index.TryGet(key, alternate, out var found) ? found : default, Is.EqualTo(location));
        }

        var enumerated = index.Entries().ToDictionary(e => (e.Key, e.AlternateKey), e => e.Location);
        Assert.That(enumerated, Has.Count.EqualTo(model.Count));
        Assert.That(model.All(pair => enumerated.TryGetValue(pair.Key, out var location) && location == pair.Value), Is.True,
            "Entries() enumerates exactly the live entries");
    }

    [Test]
    public void A_million_needles_cost_at_most_sixteen_bytes_each()
    {
        var index = new NeedleIndex();
        var random = new RandomSource(1);
        var offset = 64L;
        for (var i = 0; i < 1_000_000; i++)
        {
            var length = (int)(8 * random.Next(512, 8192));
            index.Set(random.NextUInt64(), (uint)random.Next(4), new NeedleLocation(offset, length));
            offset += length;
            if (offset > NeedleIndex.MaxOffset - 100_000)
            {
                offset = 64;
            }
        }

        var bytesPerNeedle = (double)index.EstimatedBytes / index.Count;
        TestContext.Out.WriteLine($"index RAM: {bytesPerNeedle:0.00} bytes per needle at {index.Count} needles");
        Assert.That(bytesPerNeedle, Is.LessThanOrEqualTo(16.0));
    }

    [Test]
    public void Keys_sharing_low_bits_in_different_buckets_stay_apart()
    {
        var index = new NeedleIndex();
        index.Set(0x0001_0000_0000_0005, 0, new NeedleLocation(64, 8));
        index.Set(0x0002_0000_0000_0005, 0, new NeedleLocation(72, 8));
        index.Merge();
        Assert.Multiple(() =>
        {
            Assert.That(index.TryGet(0x0001_0000_0000_0005, 0, out var a) ? a.Offset : -1, Is.EqualTo(64));
            Assert.That(index.TryGet(0x0002_0000_0000_0005, 0, out var b) ? b.Offset : -1, Is.EqualTo(72));
            Assert.That(index.TryGet(0x0003_0000_0000_0005, 0, out _), Is.False);
        });
    }
}
