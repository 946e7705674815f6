using System.Collections.Concurrent;
using MicroSvg.Tests.Infrastructure;

namespace MicroSvg.Tests;

/// <summary>
/// Renders each corpus file before and after minification at 256 px wide and compares pixels:
/// no file may change visibly (over 1% of pixels) and under 1% of files may change at all (over 0.1%).
/// </summary>
[TestFixture]
public sealed class RenderTests
{
    [Test]
    public void Minified_corpus_renders_like_the_original()
    {
        var files = Corpus.Files();
        var changed = new ConcurrentBag<string>();
        var visiblyChanged = new ConcurrentBag<string>();
        var failures = new ConcurrentBag<string>();
        var unrenderable = 0;
        var refused = 0;
        long bytesIn = 0, bytesOut = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 }, file =>
        {
            var text = File.ReadAllText(file.Path);
            SvgMinifyResult result;
            try
            {
                result = SvgMinifier.Minify(text);
            }
            catch (SvgParseException exception) when (exception.Kind == SvgParseErrorKind.DtdRefused)
            {
                // Illustrator files declare entities in a DTD; refusing them is the documented behaviour.
                Interlocked.Increment(ref refused);
                return;
            }
            catch (SvgParseException exception)
            {
                failures.Add($"{file.Path}: {exception.Message}");
                return;
            }

            Interlocked.Add(ref bytesIn, result.BytesIn);
            Interlocked.Add(ref bytesOut, result.BytesOut);
            var expected = SvgRenderer.Render(text, out var expectedHeight);
            if (expected is null)
            {
                Interlocked.Increment(ref unrenderable);
                return;
            }

            var actual = SvgRenderer.Render(result.Output, out var actualHeight);
            var comparison = actual is null
                ? new PixelComparison(expected.Length / 4, expected.Length / 4)
                : PixelComparison.Compare(expected, expectedHeight, actual, actualHeight);
            if (comparison.Changed)
            {
                changed.Add($"{file.Path} ({comparison.Fraction:P2})");
            }

            if (comparison.VisiblyChanged)
            {
                visiblyChanged.Add($"{file.Path} ({comparison.Fraction:P2})");
            }
        });

        var rendered = files.Count - unrenderable - failures.Count - refused;
        TestContext.Out.WriteLine($"Corpus: {files.Count} files ({(Corpus.Full ? "full" : "sample")}), {rendered} compared, {unrenderable} not renderable by Svg.Skia, {refused} refused (DTD entities), {failures.Count} failed to parse.");
        TestContext.Out.WriteLine($"Bytes: {bytesIn} -> {bytesOut} ({(double)bytesOut / Math.Max(1, bytesIn):P1}).");
        TestContext.Out.WriteLine($"Changed (>0.1% pixels): {changed.Count}; visibly changed (>1%): {visiblyChanged.Count}.");
        foreach (var line in changed.Order(StringComparer.Ordinal).Take(50))
        {
            TestContext.Out.WriteLine("  changed: " + line);
        }

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, "Corpus files the parser failed on");
            Assert.That(rendered, Is.GreaterThan(files.Count * 9 / 10), "Too few files could be rendered to prove anything");
            Assert.That(visiblyChanged, Is.Empty, "Files visibly changed by minification");
            Assert.That(changed.Count, Is.LessThan(Math.Max(1, rendered / 100.0)), "Under 1% of files may change at all");
        });
    }
}
