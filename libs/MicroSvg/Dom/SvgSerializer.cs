using System.Buffers;

namespace MicroSvg.Dom;

/// <summary>Writes a document back as XML, compact or indented.</summary>
internal static class SvgSerializer
{
    /// <summary>Characters of an attribute value in double quotes that need a reference.</summary>
    private static readonly SearchValues<char> DoubleQuotedSpecials = SearchValues.Create("&<\n\r\t\"");

    /// <summary>Characters of an attribute value in single quotes that need a reference.</summary>
    private static readonly SearchValues<char> SingleQuotedSpecials = SearchValues.Create("&<\n\r\t'");

    /// <summary>Serializes the document.</summary>
    public static string Serialize(SvgDocument document, bool pretty)
    {
        var output = new CharBuffer(4096);
        Serialize(document, pretty, output);
        return output.ToString();
    }

    /// <summary>Serializes the document into <paramref name="output"/>, after what it holds.</summary>
    public static void Serialize(SvgDocument document, bool pretty, CharBuffer output)
    {
        foreach (var node in document.Children)
        {
            WriteNode(output, node, pretty, 0);
            if (pretty)
            {
                output.Append('\n');
            }
        }
    }

    private static void WriteNode(CharBuffer sb, SvgNode node, bool pretty, int depth)
    {
        switch (node)
        {
            case SvgElement element:
                WriteElement(sb, element, pretty, depth);
                break;
            case SvgText text:
                WriteText(sb, text);
                break;
            case SvgComment comment:
                sb.Append("<!--");
                sb.Append(comment.Text);
                sb.Append("-->");
                break;
            case SvgProcessingInstruction pi:
                sb.Append("<?");
                sb.Append(pi.Target);
                if (pi.Data.Length > 0)
                {
                    sb.Append(' ');
                    sb.Append(pi.Data);
                }

                sb.Append("?>");
                break;
            case SvgDoctype doctype:
                sb.Append("<!DOCTYPE");
                sb.Append(doctype.Text);
                sb.Append('>');
                break;
            default:
                throw new InvalidOperationException($"Unknown node type {node.GetType().Name}.");
        }
    }

    /// <summary>Writes one element iteratively so that deep trees cannot overflow the stack.</summary>
    private static void WriteElement(CharBuffer sb, SvgElement root, bool pretty, int rootDepth)
    {
        OpenTag(sb, root);
        if (root.Children.Count == 0)
        {
            sb.Append("/>");
            return;
        }

        sb.Append('>');
        var stack = new Stack<(SvgElement Element, int Index, bool Indent)>();
        stack.Push((root, 0, pretty && CanIndent(root)));
        while (stack.Count > 0)
        {
            var (element, index, indent) = stack.Pop();
            var depth = rootDepth + stack.Count + 1;
            if (index >= element.Children.Count)
            {
                if (indent)
                {
                    NewLine(sb, depth - 1);
                }

                sb.Append("</");
                sb.Append(element.Name);
                sb.Append('>');
                continue;
            }

            stack.Push((element, index + 1, indent));
            var child = element.Children[index];
            if (indent)
            {
                if (child is SvgText t && string.IsNullOrWhiteSpace(t.Text) && !t.IsCData)
                {
                    continue;
                }

                NewLine(sb, depth);
            }

            if (child is SvgElement childElement)
            {
                OpenTag(sb, childElement);
                if (childElement.Children.Count == 0)
                {
                    sb.Append("/>");
                }
                else
                {
                    sb.Append('>');
                    stack.Push((childElement, 0, indent && CanIndent(childElement)));
                }
            }
            else
            {
                WriteNode(sb, child, pretty, depth);
            }
        }
    }

    private static bool CanIndent(SvgElement element)
    {
        foreach (var child in element.Children)
        {
            if (child is SvgText text && !string.IsNullOrWhiteSpace(text.Text))
            {
                return false;
            }
        }

        return !SvgNames.IsTextContent(element.LocalName) && element.LocalName != "foreignObject";
    }

    private static void NewLine(CharBuffer sb, int depth)
    {
        sb.Append('\n');
        sb.Append(' ', depth * 2);
    }

    private static void OpenTag(CharBuffer sb, SvgElement element)
    {
        sb.Append('<');
        sb.Append(element.Name);
        var attributes = element.Attributes;
        for (var i = 0; i < attributes.Count; i++)
        {
            var attribute = attributes[i];
            sb.Append(' ');
            sb.Append(attribute.Name);
            sb.Append('=');
            WriteAttributeValue(sb, attribute.Value);
        }
    }

    private static void WriteAttributeValue(CharBuffer sb, string value)
    {
        var quote = value.Contains('"', StringComparison.Ordinal) && !value.Contains('\'', StringComparison.Ordinal) ? '\'' : '"';
        var specials = quote == '"' ? DoubleQuotedSpecials : SingleQuotedSpecials;
        sb.Append(quote);
        var rest = value.AsSpan();
        int next;
        while ((next = rest.IndexOfAny(specials)) >= 0)
        {
            sb.Append(rest[..next]);
            sb.Append(rest[next] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '\n' => "&#10;",
                '\r' => "&#13;",
                '\t' => "&#9;",
                _ => quote == '"' ? "&quot;" : "&apos;",
            });
            rest = rest[(next + 1)..];
        }

        sb.Append(rest);
        sb.Append(quote);
    }

    private static void WriteText(CharBuffer sb, SvgText text)
    {
        if (text.IsCData)
        {
            sb.Append("<![CDATA[");
            sb.Append(text.Text.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal));
            sb.Append("]]>");
            return;
        }

        var value = text.Text;
        var start = 0;
        int next;
        while ((next = value.AsSpan(start).IndexOfAny('&', '<', '>')) >= 0)
        {
            var i = start + next;
            sb.Append(value.AsSpan(start, i - start));
            switch (value[i])
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>' when i >= 2 && value[i - 1] == ']' && value[i - 2] == ']': sb.Append("&gt;"); break;
                default: sb.Append('>'); break;
            }

            start = i + 1;
        }

        sb.Append(value.AsSpan(start));
    }
}
