using System.Text;
using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Trims attribute values and collapses runs of whitespace to one space.</summary>
internal sealed class CleanupAttributesPass : ISvgPass
{
    public string Name => "cleanupAttrs";

    public string Description => "Trims attribute values and collapses whitespace runs (not inside text content or foreignObject).";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static string Clean(string value)
    {
        var sb = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject")
            {
                return false;
            }

            foreach (var attribute in element.Attributes)
            {
                // Text positions and content-bearing attributes keep their spacing semantics; only whitespace is normalised.
                if (attribute.Value.Length > 0 && (char.IsWhiteSpace(attribute.Value[0]) || char.IsWhiteSpace(attribute.Value[^1]) || attribute.Value.Contains("  ", StringComparison.Ordinal) || attribute.Value.AsSpan().IndexOfAny('\n', '\t', '\r') >= 0))
                {
                    context.Rewrite(attribute, Clean(attribute.Value));
                }
            }

            return true;
        }
    }
}
