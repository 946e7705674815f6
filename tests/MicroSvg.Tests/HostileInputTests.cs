using System.Text;

namespace MicroSvg.Tests;

/// <summary>Hostile input: a clear error or a correct result, never a hang, crash or unbounded output.</summary>
[TestFixture]
public sealed class HostileInputTests
{
    private const string Svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">";

    [Test]
    public void Huge_numbers_are_left_as_written()
    {
        var input = Svg + "<path d=\"M1e308 0L-1e308 1e300h1e400\"/><rect x=\"1e999\" width=\"99999999999999999999999\" height=\"1\"/></svg>";
        var output = SvgMinifier.Minify(input).Output;
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("M1e308 0L-1e308 1e300h1e400"), "path data with out-of-range numbers is kept");
            Assert.That(output, Does.Contain("x=\"1e999\""));
        });
    }

    [Test]
    public void Scripts_and_foreign_objects_are_kept_untouched_by_default()
    {
        var input = Svg + "<script><![CDATA[if (a < b) alert(1)]]></script><foreignObject width=\"10\" height=\"10\"><div xmlns=\"http://www.w3.org/1999/xhtml\">  <b> x </b>  </div></foreignObject><rect onclick=\"go()\" width=\"1\" height=\"1\"/></svg>";
        var output = SvgMinifier.Minify(input).Output;
        Assert.Multiple(() =>
        {
            Assert.That(output, Does.Contain("<script><![CDATA[if (a < b) alert(1)]]></script>"));
            Assert.That(output, Does.Contain("<div xmlns=\"http://www.w3.org/1999/xhtml\">  <b> x </b>  </div>"));
            Assert.That(output, Does.Contain("onclick=\"go()\""));
        });
    }

    [Test]
    public void Scripts_and_foreign_objects_are_removed_by_option()
    {
        var input = Svg + "<script>alert(1)</script><foreignObject><div/></foreignObject><a href=\"javascript:alert(1)\"><rect onload=\"x()\" width=\"1\" height=\"1\"/></a></svg>";
        var output = SvgMinifier.Minify(input, new SvgMinifierOptions { RemoveScripts = true, RemoveForeignObjects = true }).Output;
        Assert.That(output, Does.Not.Contain("script").And.Not.Contain("foreignObject").And.Not.Contain("javascript").And.Not.Contain("onload"));
    }

    [Test]
    public void Truncation_at_every_position_gives_an_error_or_a_result()
    {
        var full = Svg + "<defs><linearGradient id=\"g\"><stop offset=\"0\" stop-color=\"red\"/></linearGradient></defs><!-- c --><path fill=\"url(#g)\" d=\"M0 0C1 1 2 2 3 3z\"/><text>a &amp; b</text></svg>";
        for (var length = 0; length < full.Length; length++)
        {
            try
            {
                var result = SvgMinifier.Minify(full[..length]);
                Assert.That(result.Output, Does.StartWith("<svg"));
            }
            catch (SvgParseException exception)
            {
                Assert.That(exception.Line, Is.GreaterThanOrEqualTo(1));
            }
        }
    }

    [Test]
    public void Garbage_bytes_give_parse_errors()
    {
        var random = new Random(1234);
        var parseErrors = 0;
        var unexpected = new List<string>();
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 200)];
            random.NextBytes(bytes);
            var text = "<svg>" + Encoding.Latin1.GetString(bytes);
            try
            {
                SvgMinifier.Minify(text);
            }
            catch (SvgParseException)
            {
                parseErrors++;
            }
#pragma warning disable CA1031 // Any other exception type is exactly what this test looks for.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                unexpected.Add($"input {i}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(unexpected, Is.Empty, "only SvgParseException may escape for malformed input");
            Assert.That(parseErrors, Is.GreaterThan(150), "garbage after <svg> is almost always malformed");
        });
    }

    [Test]
    public void Many_attributes_and_long_values_stay_linear()
    {
        var sb = new StringBuilder(Svg + "<path d=\"M0 0");
        for (var i = 0; i < 200_000; i++)
        {
            sb.Append(" l1 1");
        }

        sb.Append("\"/></svg>");
        var result = SvgMinifier.Minify(sb.ToString());
        Assert.That(result.BytesOut, Is.LessThan(result.BytesIn));
    }

    [Test]
    public void Malformed_path_data_is_kept_as_written()
    {
        var output = SvgMinifier.Minify(Svg + "<path d=\"M 10 10 L 20 x 30\"/></svg>").Output;
        Assert.That(output, Does.Contain("d=\"M 10 10 L 20 x 30\""));
    }
}
