using System.Globalization;
using System.Text;

namespace MicroSvg.Dom;

/// <summary>
/// A non-validating XML parser restricted to what SVG needs. It is iterative (no recursion, so deep
/// nesting cannot overflow the stack), never resolves anything external, refuses DTD internal subsets
/// and undeclared entities, and enforces the limits of <see cref="SvgMinifierOptions"/>.
/// </summary>
internal sealed class SvgParser
{
    private readonly string text;
    private readonly SvgMinifierOptions options;
    private readonly StringBuilder scratch = new();
    private int position;
    private int nodes;

    private SvgParser(string text, SvgMinifierOptions options)
    {
        this.text = text;
        this.options = options;
    }

    /// <summary>Parses a whole document.</summary>
    public static SvgDocument Parse(string text, SvgMinifierOptions options)
    {
        if (text.Length > options.MaxInputChars)
        {
            throw new SvgParseException($"Input of {text.Length} characters exceeds MaxInputChars ({options.MaxInputChars})", SvgParseErrorKind.LimitExceeded, 1, 1);
        }

        return new SvgParser(text, options).ParseDocument();
    }

    private SvgDocument ParseDocument()
    {
        var top = new List<SvgNode>();
        SvgElement? root = null;
        var open = new List<(SvgElement Element, int Start)>();
        if (this.text.Length > 0 && this.text[0] == '\uFEFF')
        {
            this.position = 1;
        }

        while (this.position < this.text.Length)
        {
            var current = open.Count > 0 ? open[^1].Element : null;
            if (this.text[this.position] != '<')
            {
                var start = this.position;
                var value = this.ReadText();
                if (current is null)
                {
                    if (!string.IsNullOrWhiteSpace(value))
                    {
                        throw this.Error("Text outside the root element", start);
                    }
                }
                else
                {
                    this.Add(current, top, new SvgText(value, false), start);
                }

                continue;
            }

            var tagStart = this.position;
            if (this.StartsWith("<!--"))
            {
                this.Add(current, top, new SvgComment(this.ReadUntil("<!--".Length, "-->", "comment")), tagStart);
            }
            else if (this.StartsWith("<![CDATA["))
            {
                if (current is null)
                {
                    throw this.Error("CDATA section outside the root element", tagStart);
                }

                this.Add(current, top, new SvgText(this.ReadUntil("<![CDATA[".Length, "]]>", "CDATA section"), true), tagStart);
            }
            else if (this.StartsWith("<!DOCTYPE"))
            {
                if (current is not null || root is not null)
                {
                    throw this.Error("DOCTYPE is only allowed before the root element", tagStart);
                }

                this.Add(null, top, this.ReadDoctype(), tagStart);
            }
            else if (this.StartsWith("<!ENTITY") || this.StartsWith("<!ELEMENT") || this.StartsWith("<!ATTLIST"))
            {
                throw this.Error("DTD declarations are not supported", tagStart, SvgParseErrorKind.DtdRefused);
            }
            else if (this.StartsWith("<?"))
            {
                this.Add(current, top, this.ReadProcessingInstruction(tagStart), tagStart);
            }
            else if (this.StartsWith("</"))
            {
                this.position += 2;
                var name = this.ReadName();
                this.SkipWhitespace();
                this.Expect('>');
                if (current is null || current.Name != name)
                {
                    throw this.Error(current is null ? $"Unexpected closing tag </{name}>" : $"Closing tag </{name}> does not match <{current.Name}>", tagStart);
                }

                open.RemoveAt(open.Count - 1);
            }
            else
            {
                if (current is null && root is not null)
                {
                    throw this.Error("More than one root element", tagStart);
                }

                var (element, selfClosing) = this.ReadStartTag(tagStart);
                this.Add(current, top, element, tagStart);
                root ??= element;
                if (!selfClosing)
                {
                    if (open.Count >= this.options.MaxDepth)
                    {
                        throw this.Error($"Nesting deeper than MaxDepth ({this.options.MaxDepth})", tagStart, SvgParseErrorKind.LimitExceeded);
                    }

                    open.Add((element, tagStart));
                }
            }
        }

        if (open.Count > 0)
        {
            throw this.Error($"Unexpected end of input: <{open[^1].Element.Name}> is not closed", this.text.Length);
        }

        if (root is null)
        {
            throw this.Error("No root element", this.text.Length);
        }

        if (root.LocalName != "svg")
        {
            throw this.Error($"The root element is <{root.Name}>, not <svg>", 0);
        }

        return new SvgDocument(top, root);
    }

    private void Add(SvgElement? parent, List<SvgNode> top, SvgNode node, int at)
    {
        if (++this.nodes > this.options.MaxNodes)
        {
            throw this.Error($"More than MaxNodes ({this.options.MaxNodes}) nodes", at, SvgParseErrorKind.LimitExceeded);
        }

        if (parent is null)
        {
            top.Add(node);
        }
        else
        {
            parent.Append(node);
        }
    }

    private (SvgElement Element, bool SelfClosing) ReadStartTag(int tagStart)
    {
        this.position++;
        var element = new SvgElement(this.ReadName());
        while (true)
        {
            var hadSpace = this.SkipWhitespace();
            if (this.position >= this.text.Length)
            {
                throw this.Error($"Unexpected end of input in tag <{element.Name}>", this.position);
            }

            var c = this.text[this.position];
            if (c == '>')
            {
                this.position++;
                return (element, false);
            }

            if (c == '/')
            {
                this.position++;
                this.Expect('>');
                return (element, true);
            }

            if (!hadSpace)
            {
                throw this.Error("Expected whitespace between attributes", this.position);
            }

            var nameStart = this.position;
            var name = this.ReadName();
            this.SkipWhitespace();
            this.Expect('=');
            this.SkipWhitespace();
            var value = this.ReadAttributeValue();
            if (element.Has(name))
            {
                throw this.Error($"Duplicate attribute '{name}'", nameStart);
            }

            if (element.Attributes.Count >= this.options.MaxAttributesPerElement)
            {
                throw this.Error($"More than MaxAttributesPerElement ({this.options.MaxAttributesPerElement}) attributes on <{element.Name}>", nameStart, SvgParseErrorKind.LimitExceeded);
            }

            element.Attributes.Add(new SvgAttribute(name, value));
        }
    }

    private string ReadAttributeValue()
    {
        if (this.position >= this.text.Length || (this.text[this.position] != '"' && this.text[this.position] != '\''))
        {
            throw this.Error("Expected a quoted attribute value", this.position);
        }

        var quote = this.text[this.position++];
        var start = this.position;
        var end = this.text.IndexOf(quote, start);
        if (end < 0)
        {
            throw this.Error("Unterminated attribute value", start - 1);
        }

        var raw = this.text.AsSpan(start, end - start);
        var lt = raw.IndexOf('<');
        if (lt >= 0)
        {
            throw this.Error("'<' is not allowed in an attribute value", start + lt);
        }

        this.position = end + 1;
        if (raw.IndexOfAny('&', '\n', '\t') < 0 && !raw.Contains('\r'))
        {
            return raw.ToString();
        }

        // XML attribute-value normalisation: literal tabs and line breaks read as spaces, references do not.
        return this.Decode(start, end, normalizeWhitespace: true);
    }

    private string ReadText()
    {
        var start = this.position;
        var end = this.text.IndexOf('<', start);
        if (end < 0)
        {
            end = this.text.Length;
        }

        this.position = end;
        var raw = this.text.AsSpan(start, end - start);
        return raw.Contains('&') ? this.Decode(start, end, normalizeWhitespace: false) : raw.ToString();
    }

    private string Decode(int start, int end, bool normalizeWhitespace)
    {
        var sb = this.scratch.Clear();
        var i = start;
        while (i < end)
        {
            var c = this.text[i];
            if (c != '&')
            {
                if (normalizeWhitespace && c is '\n' or '\t' or '\r')
                {
                    // A CR LF pair is one line break.
                    if (!(c == '\r' && i + 1 < end && this.text[i + 1] == '\n'))
                    {
                        sb.Append(' ');
                    }
                }
                else
                {
                    sb.Append(c);
                }

                i++;
                continue;
            }

            var semicolon = this.text.IndexOf(';', i, Math.Min(end - i, 12));
            if (semicolon < 0)
            {
                throw this.Error("Unterminated entity reference", i);
            }

            var name = this.text.AsSpan(i + 1, semicolon - i - 1);
            switch (name)
            {
                case "lt": sb.Append('<'); break;
                case "gt": sb.Append('>'); break;
                case "amp": sb.Append('&'); break;
                case "quot": sb.Append('"'); break;
                case "apos": sb.Append('\''); break;
                default:
                    if (name.Length > 1 && name[0] == '#')
                    {
                        this.AppendCharacterReference(sb, name[1..], i);
                    }
                    else
                    {
                        throw this.Error($"Entity '&{name};' is not supported: DTD entities are refused", i, SvgParseErrorKind.DtdRefused);
                    }

                    break;
            }

            i = semicolon + 1;
        }

        return sb.ToString();
    }

    private void AppendCharacterReference(StringBuilder sb, ReadOnlySpan<char> digits, int at)
    {
        var hex = digits.Length > 1 && digits[0] == 'x';
        if (!int.TryParse(hex ? digits[1..] : digits, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || code is 0 or > 0x10FFFF || (code is >= 0xD800 and <= 0xDFFF) || (code < 0x20 && code is not (0x9 or 0xA or 0xD)))
        {
            throw this.Error($"Invalid character reference '&#{digits};'", at);
        }

        sb.Append(char.ConvertFromUtf32(code));
    }

    private string ReadUntil(int skip, string terminator, string what)
    {
        var start = this.position + skip;
        var end = this.text.IndexOf(terminator, start, StringComparison.Ordinal);
        if (end < 0)
        {
            throw this.Error($"Unterminated {what}", this.position);
        }

        this.position = end + terminator.Length;
        return this.text[start..end];
    }

    private SvgDoctype ReadDoctype()
    {
        var start = this.position;
        var i = start + "<!DOCTYPE".Length;
        char quote = '\0';
        for (; i < this.text.Length; i++)
        {
            var c = this.text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                throw this.Error("DTD internal subsets (entity declarations) are refused", i, SvgParseErrorKind.DtdRefused);
            }
            else if (c == '>')
            {
                this.position = i + 1;
                return new SvgDoctype(this.text[(start + "<!DOCTYPE".Length)..i]);
            }
        }

        throw this.Error("Unterminated DOCTYPE", start);
    }

    private SvgProcessingInstruction ReadProcessingInstruction(int start)
    {
        this.position += 2;
        var target = this.ReadName();
        var end = this.text.IndexOf("?>", this.position, StringComparison.Ordinal);
        if (end < 0)
        {
            throw this.Error("Unterminated processing instruction", start);
        }

        var data = this.text[this.position..end].Trim();
        this.position = end + 2;
        return new SvgProcessingInstruction(target, data);
    }

    private string ReadName()
    {
        var start = this.position;
        while (this.position < this.text.Length && IsNameChar(this.text[this.position], this.position == start))
        {
            this.position++;
        }

        if (this.position == start)
        {
            throw this.position >= this.text.Length
                ? this.Error("Unexpected end of input, expected a name", start)
                : this.Error($"Unexpected character '{this.text[start]}', expected a name", start);
        }

        return SvgNameTable.Get(this.text.AsSpan(start, this.position - start));
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c is '_' or ':' || c > 0x7F || (!first && (char.IsAsciiDigit(c) || c is '-' or '.'));

    private bool SkipWhitespace()
    {
        var start = this.position;
        while (this.position < this.text.Length && this.text[this.position] is ' ' or '\t' or '\r' or '\n')
        {
            this.position++;
        }

        return this.position > start;
    }

    private void Expect(char c)
    {
        if (this.position >= this.text.Length)
        {
            throw this.Error($"Unexpected end of input, expected '{c}'", this.position);
        }

        if (this.text[this.position] != c)
        {
            throw this.Error($"Unexpected character '{this.text[this.position]}', expected '{c}'", this.position);
        }

        this.position++;
    }

    private bool StartsWith(string prefix) => this.text.AsSpan(this.position).StartsWith(prefix, StringComparison.Ordinal);

    private SvgParseException Error(string reason, int offset, SvgParseErrorKind kind = SvgParseErrorKind.Malformed)
    {
        var line = 1;
        var lineStart = 0;
        offset = Math.Clamp(offset, 0, this.text.Length);
        for (var i = 0; i < offset; i++)
        {
            if (this.text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new SvgParseException(reason, kind, line, offset - lineStart + 1);
    }
}
