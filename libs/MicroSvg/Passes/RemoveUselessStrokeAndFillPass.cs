using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Removes stroke properties from shapes that are not stroked and fill properties from shapes whose
/// fill is none. Skipped for content a <c>use</c> may render elsewhere and when markers exist
/// (marker scale depends on stroke-width).
/// </summary>
internal sealed class RemoveUselessStrokeAndFillPass : ISvgPass
{
    private static readonly string[] StrokeProperties =
    [
        "stroke-width", "stroke-opacity", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset",
    ];

    public string Name => "removeUselessStrokeAndFill";

    public string Description => "Removes stroke-* from shapes without a visible stroke and fill-* from shapes with fill=\"none\".";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers)
            {
                return false;
            }

            if (element.LocalName == "foreignObject" || SvgNames.NonRendering.Contains(element.Name))
            {
                return false;
            }

            if (!SvgNames.Shapes.Contains(element.Name) || SvgPassContext.MayBeReused(element) || element.Has("style"))
            {
                return true;
            }

            var stroke = SvgPassContext.GetInherited(element, "stroke");
            var noStroke = stroke is null or "none";
            if (noStroke)
            {
                foreach (var property in StrokeProperties)
                {
                    context.RemoveAttribute(element, property);
                }

                var parentStroke = element.Parent is null ? null : SvgPassContext.GetInherited(element.Parent, "stroke");
                if (element.Get("stroke") is { } own && (parentStroke is null or "none" ? own == "none" : false))
                {
                    context.RemoveAttribute(element, "stroke");
                }
            }

            if (element.Get("fill") == "none")
            {
                context.RemoveAttribute(element, "fill-opacity");
                context.RemoveAttribute(element, "fill-rule");
            }

            return true;
        }
    }
}
