using System.Text;

namespace MicroSvg.Dom;

/// <summary>Writes a document back as XML, compact or indented.</summary>
internal static class SvgSerializer
{
    /// <summary>Serializes the document.</summary>
    public static string Serialize(SvgDocument document, bool pretty)
    {
        var sb = new StringBuilder(4096);
        foreach (var node in document.Children)
        {
            WriteNode(sb, node, pretty, 0);
            if (pretty)
            {
                sb.Append('\n');
            }
        }

        return sb.ToString();
    }

    private static void WriteNode(StringBuilder sb, SvgNode node, bool pretty, int depth)
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
                sb.Append("<!--").Append(comment.Text).Append("-->");
                break;
            case SvgProcessingInstruction pi:
                sb.Append("<?").Append(pi.Target);
                if (pi.Data.Length > 0)
                {
                    sb.Append(' ').Append(pi.Data);
                }

                sb.Append("?>");
                break;
            case SvgDoctype doctype:
                sb.Append("<!DOCTYPE").Append(doctype.Text).Append('>');
                break;
            default:
                throw new InvalidOperationException($"Unknown node type {node.GetType().Name}.");
        }
    }

    /// <summary>Writes one element iteratively so that deep trees cannot overflow the stack.</summary>
    private static void WriteElement(StringBuilder sb, SvgElement root, bool pretty, int rootDepth)
    {
        var stack = new Stack<(SvgElement Element, int Index, bool Indent)>();
        OpenTag(sb, root);
        if (root.Children.Count == 0)
        {
            sb.Append("/>");
            return;
        }

        sb.Append('>');
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

                sb.Append("</").Append(element.Name).Append('>');
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

    private static void NewLine(StringBuilder sb, int depth) => sb.Append('\n').Append(' ', depth * 2);

    private static void OpenTag(StringBuilder sb, SvgElement element)
    {
        sb.Append('<').Append(element.Name);
        foreach (var attribute in element.Attributes)
        {
            sb.Append(' ').Append(attribute.Name).Append('=');
            WriteAttributeValue(sb, attribute.Value);
        }
    }

    private static void WriteAttributeValue(StringBuilder sb, string value)
    {
        var quote = value.Contains('"', StringComparison.Ordinal) && !value.Contains('\'', StringComparison.Ordinal) ? '\'' : '"';
        sb.Append(quote);
        foreach (var c in value)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '\n': sb.Append("&#10;"); break;
                case '\r': sb.Append("&#13;"); break;
                case '\t': sb.Append("&#9;"); break;
                default:
                    if (c == quote)
                    {
                        sb.Append(quote == '"' ? "&quot;" : "&apos;");
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append(quote);
    }

    private static void WriteText(StringBuilder sb, SvgText text)
    {
        if (text.IsCData)
        {
            sb.Append("<![CDATA[").Append(text.Text.Replace("]]>", "]]]]><![CDATA[>", StringComparison.Ordinal)).Append("]]>");
            return;
        }

        var value = text.Text;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>' when i >= 2 && value[i - 1] == ']' && value[i - 2] == ']': sb.Append("&gt;"); break;
                default: sb.Append(c); break;
            }
        }
    }
}
