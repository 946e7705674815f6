namespace Cluster.Core.Tests.Runtime;

public sealed class RandomSourceTests
{
    [Test]
    public void Same_seed_gives_the_same_sequence()
    {
        var a = new RandomSource(42);
        var b = new RandomSource(42);
        var first = Enumerable.Range(0, 100).Select(_ => a.NextUInt64()).ToArray();
        var second = Enumerable.Range(0, 100).Select(_ => b.NextUInt64()).ToArray();
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void The_sequence_is_fixed_across_platforms_and_versions()
    {
        // Pinned outputs: a change here silently changes every recorded simulation seed.
        var source = new RandomSource(0);
        var values = Enumerable.Range(0, 3).Select(_ => source.NextUInt64()).ToArray();
        var again = new RandomSource(0);
        Assert.Multiple(() =>
        {
            Assert.That(values.Distinct().Count(), Is.EqualTo(3));
            Assert.That(again.NextUInt64(), Is.EqualTo(values[0]));
            Assert.That(values[0], Is.EqualTo(Xoshiro256StarStarReference(0)));
        });
    }

    [Test]
    public void Nearby_seeds_give_unrelated_sequences()
    {
        var a = new RandomSource(1).NextUInt64();
        var b = new RandomSource(2).NextUInt64();
        Assert.That(ulong.PopCount(a ^ b), Is.InRange(16, 48), "about half the bits should differ");
    }

    [Test]
    public void Bounded_draws_stay_in_range_and_cover_it()
    {
        var source = new RandomSource(7);
        var counts = new int[10];
        for (var i = 0; i < 100_000; i++)
        {
            counts[source.Next(10)]++;
        }

        Assert.That(counts, Has.All.InRange(9_500, 10_500));
    }

    [Test]
    public void Ranges_and_doubles_respect_their_bounds()
    {
        var source = new RandomSource(9);
        for (var i = 0; i < 10_000; i++)
        {
            Assert.That(source.Next(-5L, 5L), Is.InRange(-5L, 4L));
            Assert.That(source.NextDouble(), Is.GreaterThanOrEqualTo(0.0).And.LessThan(1.0));
        }
    }

    [Test]
    public void Chance_matches_its_probability()
    {
        var source = new RandomSource(11);
        var hits = Enumerable.Range(0, 100_000).Count(_ => source.Chance(0.25));
        Assert.Multiple(() =>
        {
            Assert.That(hits, Is.InRange(24_000, 26_000));
            Assert.That(source.Chance(0), Is.False);
            Assert.That(source.Chance(1), Is.True);
        });
    }

    [Test]
    public void Forks_are_reproducible_and_independent()
    {
        var root1 = new RandomSource(5);
        var root2 = new RandomSource(5);
        var child1 = root1.Fork();
        var child2 = root2.Fork();
        Assert.Multiple(() =>
        {
            Assert.That(child2.NextUInt64(), Is.EqualTo(child1.NextUInt64()));
            Assert.That(root1.NextUInt64(), Is.Not.EqualTo(child1.NextUInt64()));
        });
    }

    [Test]
    public void Bytes_and_guids_come_from_the_seed()
    {
        var a = new RandomSource(3);
        var b = new RandomSource(3);
        var bytesA = new byte[13];
        var bytesB = new byte[13];
        a.NextBytes(bytesA);
        b.NextBytes(bytesB);
        var guid = a.NextGuid();
        Assert.Multiple(() =>
        {
            Assert.That(bytesB, Is.EqualTo(bytesA));
            Assert.That(b.NextGuid(), Is.EqualTo(guid));
            Assert.That(guid.Version, Is.EqualTo(4));
        });
    }

    [Test]
    public void Empty_ranges_are_refused()
    {
        var source = new RandomSource(1);
        Assert.Multiple(() =>
        {
            Assert.That(() => source.Next(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => source.Next(3L, 3L), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    // An independent, literal transcription of SplitMix64 seeding + one xoshiro256** step.
    private static ulong Xoshiro256StarStarReference(ulong seed)
    {
        ulong Mix(ref ulong x)
        {
            x += 0x9E3779B97F4A7C15UL;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        var state = seed;
        _ = Mix(ref state);
        var s1 = Mix(ref state);
        return ulong.RotateLeft(s1 * 5, 7) * 9;
    }
}
