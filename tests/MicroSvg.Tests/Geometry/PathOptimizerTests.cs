using System.Globalization;
using System.Text;
using MicroSvg.Geometry;

namespace MicroSvg.Tests.Geometry;

/// <summary>
/// The path writer reproduces the single-precision points a renderer computes from the original data:
/// exactly for paths with one contour that may be convex, movetos, closing points and arcs, and within a
/// few float steps elsewhere, however it mixes relative and absolute forms.
/// </summary>
[TestFixture]
public sealed class PathOptimizerTests
{
    private const int Decimals = 6;

    [TestCase("M12.312 22.775c-6.153 0-11.142-4.988-11.142-11.142S6.16.491 12.312.491c6.154 0 11.142 4.989 11.142 11.142s-4.988 11.142-11.142 11.142z")]
    [TestCase("M12.312 22.775C6.159 22.775 1.17 17.787 1.17 11.633S6.16.491 12.312.491C18.466.491 23.454 5.48 23.454 11.633S18.466 22.775 12.312 22.775z")]
    [TestCase("M100.91699 124.35449C100.91699 128.12988 97.762695 131.18848 93.871094 131.18848C89.979492 131.18848 86.825195 128.12988 86.825195 124.35449z")]
    [TestCase("M3 3H17C18.11 3 19 3.9 19 5V17C19 18.1 18.1 19 17 19H3C1.9 19 1 18.1 1 17V5C1 3.9 1.9 3 3 3Z")]
    public void Contours_that_may_be_convex_keep_every_rendered_float(string data)
    {
        var original = Parse(data);
        var output = PathOptimizer.Optimize(original, Decimals, PathOptimizer.Allowances.None);
        Assert.That(output, Is.Not.Null);
        AssertRenderedAlike(original, Parse(output!), tolerance: 0, data, output!);
    }

    [Test]
    public void Random_paths_keep_rendered_floats_exact_where_rasterizers_are_sensitive()
    {
        var random = new Random(2024);
        for (var i = 0; i < 2000; i++)
        {
            var data = RandomPath(random, contours: 1 + random.Next(3));
            var original = Parse(data);

            // Filled only: the writer may then move points that no rasterizer decision depends on.
            var output = PathOptimizer.Optimize(original, Decimals, PathOptimizer.Allowances.FillOnly);
            Assert.That(output, Is.Not.Null, data);
            AssertRenderedAlike(original, Parse(output!), tolerance: 4, data, output!);

            // Stroked: every point stays where it was.
            output = PathOptimizer.Optimize(original, Decimals, PathOptimizer.Allowances.None);
            AssertRenderedAlike(original, Parse(output!), tolerance: 0, data, output!);
        }
    }

    [Test]
    public void Fill_only_paths_close_where_the_next_moveto_needs_the_subpath_start()
    {
        // A relative run that does not return to the start's exact float, then a relative moveto: the
        // moveto must start from the same float as in the original, so the closepath stays.
        const string Data = "M.312 22.775c-6.153 0-11.142-4.988-11.142-11.142S6.16.491 12.312.491c6.154 0 11.142 4.989 11.142 11.142s-4.988 11.142-11.142 11.142zm.643-20.464a8.587 8.587 0 1 0 0 17.174 8.587 8.587 0 0 0 0-17.174z";
        var original = Parse(Data);
        var output = PathOptimizer.Optimize(original, Decimals, PathOptimizer.Allowances.FillOnly | PathOptimizer.Allowances.NoMarkers);
        Assert.That(output, Is.Not.Null);
        var moves = Parse(output!).Where(c => c.Command == 'M').Select(c => (c.RenderedX, c.RenderedY));
        Assert.That(moves, Is.EqualTo(original.Where(c => c.Command == 'M').Select(c => (c.RenderedX, c.RenderedY))), output);
    }

    private static List<PathCommand> Parse(string data)
    {
        Assert.That(PathParser.TryParse(data, out var commands), Is.True, data);
        return commands;
    }

    /// <summary>
    /// Compares rendered floats segment by segment: sensitive points exactly, others within
    /// <paramref name="tolerance"/> single-precision steps at the path's largest coordinate.
    /// </summary>
    private static void AssertRenderedAlike(List<PathCommand> expected, List<PathCommand> actual, double tolerance, string data, string output)
    {
        // A filled path may gain or lose closepaths; the points that matter are the others.
        expected = expected.Where(c => c.Command != 'Z').ToList();
        actual = actual.Where(c => c.Command != 'Z').ToList();
        Assert.That(actual, Has.Count.EqualTo(expected.Count), $"{data} -> {output}");
        var largest = expected.Max(c => new[] { c.RenderedX, c.RenderedY, c.RenderedX1, c.RenderedY1, c.RenderedX2, c.RenderedY2 }.Max(Math.Abs));
        var step = (double)MathF.BitIncrement(largest) - largest;
        var start = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var (e, a) = (expected[i], actual[i]);
            start = e.Command == 'M' ? i : start;
            var sensitive = e.Command is 'M' or 'Z' or 'A' || (i + 1 < expected.Count && expected[i + 1].Command == 'A')
                || (e.X == expected[start].X && e.Y == expected[start].Y);
            var distance = Distance(e.RenderedX, a.RenderedX, e.RenderedY, a.RenderedY);
            if (e.Command is 'C' or 'S' or 'Q' or 'T')
            {
                distance = Math.Max(distance, Distance(e.RenderedX1, a.RenderedX1, e.RenderedY1, a.RenderedY1));
            }

            if (e.Command is 'C' or 'S')
            {
                distance = Math.Max(distance, Distance(e.RenderedX2, a.RenderedX2, e.RenderedY2, a.RenderedY2));
            }

            Assert.That(distance, Is.LessThanOrEqualTo(sensitive ? 0 : tolerance * step), $"segment {i} ({e.Command}) of {data} -> {output}");
        }
    }

    private static double Distance(float expectedX, float actualX, float expectedY, float actualY) =>
        Math.Max(Math.Abs((double)expectedX - actualX), Math.Abs((double)expectedY - actualY));

    /// <summary>A path of icon-sized coordinates with up to three decimals, mixing relative and absolute commands.</summary>
    private static string RandomPath(Random random, int contours)
    {
        var text = new StringBuilder();
        string N() => (Math.Round((random.NextDouble() * 24) - 2, random.Next(4)) * (random.Next(8) == 0 ? -1 : 1)).ToString("0.###", CultureInfo.InvariantCulture);
        string D() => Math.Round((random.NextDouble() * 6) - 3, random.Next(4)).ToString("0.###", CultureInfo.InvariantCulture);
        for (var c = 0; c < contours; c++)
        {
            text.Append(random.Next(2) == 0 ? $"M{N()} {N()}" : $"m{D()} {D()}");
            for (var s = random.Next(2, 8); s > 0; s--)
            {
                var relative = random.Next(2) == 0;
                string P() => relative ? $"{D()} {D()}" : $"{N()} {N()}";
                text.Append(random.Next(6) switch
                {
                    0 => (relative ? "l" : "L") + P(),
                    1 => (relative ? "h" : "H") + (relative ? D() : N()),
                    2 => (relative ? "c" : "C") + P() + " " + P() + " " + P(),
                    3 => (relative ? "s" : "S") + P() + " " + P(),
                    4 => (relative ? "q" : "Q") + P() + " " + P(),
                    _ => (relative ? "v" : "V") + (relative ? D() : N()),
                });
                text.Append(' ');
            }

            if (random.Next(2) == 0)
            {
                text.Append('z');
            }
        }

        return text.ToString();
    }
}
