using System.Text;

namespace MicroSvg.Tests;

/// <summary>The parser: well-formedness errors with positions, DTD refusal, limits and deep nesting.</summary>
[TestFixture]
public sealed class ParserTests
{
    [TestCase("<svg xmlns=\"http://www.w3.org/2000/svg\"><g></svg>", 1, 44, TestName = "Mismatched closing tag")]
    [TestCase("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <path d=\"M0 0\"\n   fill=red/></svg>", 3, 9, TestName = "Unquoted attribute value")]
    [TestCase("<svg>\n<g>\n<path/>", 3, 8, TestName = "Truncated file")]
    [TestCase("<svg a=\"1\" a=\"2\"/>", 1, 12, TestName = "Duplicate attribute")]
    [TestCase("<svg><!-- never closed", 1, 6, TestName = "Unterminated comment")]
    [TestCase("<svg/><svg/>", 1, 7, TestName = "Two roots")]
    [TestCase("<svg a=\"&bogus;\"/>", 1, 9, TestName = "Undefined entity")]
    [TestCase("<svg>&#0;</svg>", 1, 6, TestName = "Invalid character reference")]
    [TestCase("", 1, 1, TestName = "Empty input")]
    [TestCase("<html/>", 1, 1, TestName = "Not svg")]
    public void Malformed_input_reports_line_and_column(string svg, int line, int column)
    {
        var exception = Assert.Throws<SvgParseException>(() => SvgMinifier.Minify(svg));
        Assert.Multiple(() =>
        {
            Assert.That(exception!.Line, Is.EqualTo(line), exception.Message);
            Assert.That(exception.Column, Is.EqualTo(column), exception.Message);
            Assert.That(exception.Message, Does.Contain($"line {line}, column {column}"));
        });
    }

    [Test]
    public void Billion_laughs_is_refused_without_expanding()
    {
        var svg = "<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
            + "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&d;</text></svg>";
        var exception = Assert.Throws<SvgParseException>(() => SvgMinifier.Minify(svg));
        Assert.That(exception!.Kind, Is.EqualTo(SvgParseErrorKind.DtdRefused));
        Assert.That(exception.Message, Does.Contain("DTD"));
    }

    [Test]
    public void External_entities_are_refused()
    {
        var svg = "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>";
        Assert.That(() => SvgMinifier.Minify(svg), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.DtdRefused));
    }

    [Test]
    public void Entity_reference_without_declaration_is_refused()
    {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&ns_svg;</text></svg>";
        Assert.That(() => SvgMinifier.Minify(svg), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.DtdRefused));
    }

    [Test]
    public void Doctype_without_internal_subset_is_accepted_and_removed()
    {
        var svg = "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\"><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        Assert.That(SvgMinifier.Minify(svg).Output, Is.EqualTo("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
    }

    [Test]
    public void Predefined_and_numeric_entities_are_decoded_and_reescaped()
    {
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&lt;a&gt; &amp; &#x41;&#66;</text></svg>";
        Assert.That(SvgMinifier.Minify(svg).Output, Does.Contain("<text>&lt;a> &amp; AB</text>"));
    }

    [Test]
    public void Depth_limit_is_enforced()
    {
        var options = new SvgMinifierOptions { MaxDepth = 10 };
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">" + string.Concat(Enumerable.Repeat("<g>", 20)) + string.Concat(Enumerable.Repeat("</g>", 20)) + "</svg>";
        Assert.That(() => SvgMinifier.Minify(svg, options), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.LimitExceeded));
    }

    [Test]
    public void Deep_nesting_within_the_limit_does_not_overflow_the_stack()
    {
        const int Depth = 10_000;
        var options = new SvgMinifierOptions { MaxDepth = 100_000 };
        var sb = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\">");
        for (var i = 0; i < Depth; i++)
        {
            sb.Append("<g fill=\"red\">");
        }

        sb.Append("<path d=\"M0 0h1v1z\"/>");
        for (var i = 0; i < Depth; i++)
        {
            sb.Append("</g>");
        }

        sb.Append("</svg>");
        var result = SvgMinifier.Minify(sb.ToString(), options);
        Assert.That(result.Output, Does.Contain("M0 0h1v1\""));
    }

    [Test]
    public void Attribute_limit_is_enforced()
    {
        var options = new SvgMinifierOptions { MaxAttributesPerElement = 3 };
        Assert.That(() => SvgMinifier.Minify("<svg a=\"1\" b=\"2\" c=\"3\" d=\"4\"/>", options), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.LimitExceeded));
    }

    [Test]
    public void Input_size_limit_is_enforced_for_strings_and_streams()
    {
        var options = new SvgMinifierOptions { MaxInputChars = 100 };
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">" + new string(' ', 200) + "</svg>";
        Assert.That(() => SvgMinifier.Minify(svg, options), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.LimitExceeded));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(svg));
        Assert.That(() => SvgMinifier.Minify(stream, options), Throws.TypeOf<SvgParseException>().With.Property(nameof(SvgParseException.Kind)).EqualTo(SvgParseErrorKind.LimitExceeded));
    }

    [Test]
    public void Node_limit_is_enforced()
    {
        var options = new SvgMinifierOptions { MaxNodes = 10 };
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\">" + string.Concat(Enumerable.Repeat("<path/>", 20)) + "</svg>";
        Assert.That(() => SvgMinifier.Minify(svg, options), Throws.TypeOf<SvgParseException>());
    }

    [Test]
    public void Invalid_utf8_in_a_stream_is_a_parse_error()
    {
        using var stream = new MemoryStream([(byte)'<', (byte)'s', (byte)'v', (byte)'g', 0xFF, 0xFE, (byte)'/', (byte)'>']);
        Assert.That(() => SvgMinifier.Minify(stream), Throws.TypeOf<SvgParseException>());
    }

    [TestCase(nameof(SvgMinifierOptions.MaxDepth))]
    [TestCase(nameof(SvgMinifierOptions.Precision))]
    [TestCase(nameof(SvgMinifierOptions.DisabledPasses))]
    public void Invalid_options_fail_at_construction_naming_the_property(string property)
    {
        var exception = Assert.Catch<ArgumentException>(() =>
        {
            _ = property switch
            {
                nameof(SvgMinifierOptions.MaxDepth) => new SvgMinifierOptions { MaxDepth = 0 },
                nameof(SvgMinifierOptions.Precision) => new SvgMinifierOptions { Precision = 99 },
                _ => new SvgMinifierOptions { DisabledPasses = ["noSuchPass"] },
            };
        });
        Assert.That(exception!.ParamName, Is.EqualTo(property));
    }
}
