using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes whitespace-only text between elements where SVG ignores it (outside text content).</summary>
internal sealed class RemoveWhitespacePass : ISvgPass
{
    public string Name => "removeWhitespace";

    public string Description => "Removes whitespace-only text outside text, tspan, textPath, style, script and foreignObject.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Begin(SvgDocument document) =>
            document.Children.RemoveAll(n => n is SvgText { IsCData: false } t && string.IsNullOrWhiteSpace(t.Text));

        public override bool Enter(SvgElement element)
        {
            // Whitespace inside text content is rendered (collapsed to a space); leave those subtrees alone.
            if (SvgNames.IsTextContent(element.LocalName) || element.LocalName == "foreignObject" || element.Get("xml:space") == "preserve")
            {
                return false;
            }

            context.CountRemovedNode(element.Children.RemoveAll(n => n is SvgText { IsCData: false } t && string.IsNullOrWhiteSpace(t.Text)));
            return true;
        }
    }
}
