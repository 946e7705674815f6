using System.Text;

namespace MicroSvg.Tests;

/// <summary>The public entry points, statistics and keep options.</summary>
[TestFixture]
public sealed class MinifierTests
{
    private const string Input = "<?xml version=\"1.0\"?>\n<!-- c -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\">\n  <title>Icon</title>\n  <defs><linearGradient id=\"gradient\"><stop offset=\"0\" stop-color=\"#FF0000\"/></linearGradient></defs>\n  <g>\n    <path id=\"shape\" fill=\"url(#gradient)\" d=\"M 2.000 2.000 L 22.000 2.000 L 22.000 22.000 Z\"/>\n  </g>\n</svg>\n";

    [Test]
    public void Minify_string_reports_sizes_iterations_and_pass_statistics()
    {
        var result = SvgMinifier.Minify(Input);
        Assert.Multiple(() =>
        {
            Assert.That(result.Output, Is.EqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\" width=\"24\" height=\"24\"><defs><linearGradient id=\"a\"><stop offset=\"0\" stop-color=\"red\"/></linearGradient></defs><path fill=\"url(#a)\" d=\"M2 2h20v20z\"/></svg>"));
            Assert.That(result.BytesIn, Is.EqualTo(Encoding.UTF8.GetByteCount(Input)));
            Assert.That(result.BytesOut, Is.EqualTo(Encoding.UTF8.GetByteCount(result.Output)));
            Assert.That(result.PassesRun, Is.GreaterThanOrEqualTo(2));
            Assert.That(result.Passes.Select(p => p.Name), Is.EqualTo(SvgMinifier.DefaultPasses.Where(p => p.Name is not ("removeScripts" or "removeForeignObjects" or "removeViewBox")).Select(p => p.Name)));
            Assert.That(result.Passes.Single(p => p.Name == "removeComments").NodesRemoved, Is.EqualTo(1));
            Assert.That(result.Passes.Single(p => p.Name == "cleanupIds").AttributesRemoved, Is.EqualTo(1));
        });
    }

    [Test]
    public void Span_and_stream_overloads_match_the_string_overload()
    {
        var expected = SvgMinifier.Minify(Input).Output;
        using var stream = new MemoryStream(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(Input)).ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(SvgMinifier.Minify(Input.AsSpan()).Output, Is.EqualTo(expected));
            Assert.That(SvgMinifier.Minify(stream).Output, Is.EqualTo(expected));
        });
    }

    [Test]
    public void Keep_options_keep_ids_titles_and_view_box()
    {
        var output = SvgMinifier.Minify(Input, new SvgMinifierOptions { KeepIds = true, KeepTitles = true }).Output;
        Assert.That(output, Does.Contain("<title>Icon</title>").And.Contain("id=\"gradient\"").And.Contain("id=\"shape\"").And.Contain("viewBox"));
        var noViewBox = SvgMinifier.Minify(Input, new SvgMinifierOptions { KeepViewBox = false }).Output;
        Assert.That(noViewBox, Does.Not.Contain("viewBox"));
    }

    [Test]
    public void Single_pass_mode_runs_once()
    {
        Assert.That(SvgMinifier.Minify(Input, new SvgMinifierOptions { Multipass = false }).PassesRun, Is.EqualTo(1));
    }

    [Test]
    public void Fixed_precision_rounds_coordinates()
    {
        var output = SvgMinifier.Minify("<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M1.23456 1.23456h1\"/></svg>", new SvgMinifierOptions { Precision = 1 }).Output;
        Assert.That(output, Does.Contain("d=\"M1.2 1.2h1\""));
    }

    [Test]
    public void Pretty_output_is_indented_and_equivalent()
    {
        var pretty = SvgMinifier.Minify(Input, new SvgMinifierOptions { Pretty = true }).Output;
        Assert.That(pretty, Does.Contain("\n  <defs>\n    <linearGradient"));
        Assert.That(SvgMinifier.Minify(pretty).Output, Is.EqualTo(SvgMinifier.Minify(Input).Output));
    }

    [Test]
    public void Minifying_twice_changes_nothing()
    {
        var once = SvgMinifier.Minify(Input).Output;
        Assert.That(SvgMinifier.Minify(once).Output, Is.EqualTo(once));
    }

    [Test]
    public void Text_whitespace_is_preserved()
    {
        var output = SvgMinifier.Minify("<svg xmlns=\"http://www.w3.org/2000/svg\"><text x=\"1\">a  <tspan> b </tspan>\n c</text></svg>").Output;
        Assert.That(output, Does.Contain("<text x=\"1\">a  <tspan> b </tspan>\n c</text>"));
    }
}
