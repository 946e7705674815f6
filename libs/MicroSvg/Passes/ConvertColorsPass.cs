using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>Writes colours in their shortest form: rgb() to hex, #aabbcc to #abc, names or hex whichever is shorter.</summary>
internal sealed class ConvertColorsPass : ISvgPass
{
    public string Name => "convertColors";

    public string Description => "Shortens colours: rgb() to hex, #rrggbb to #rgb, names to hex and back when shorter.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

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
                if (SvgNames.ColorAttributes.Contains(attribute.Name) && !attribute.Value.Contains("url(", StringComparison.Ordinal))
                {
                    context.Rewrite(attribute, SvgColor.Minify(attribute.Value));
                }
            }

            return true;
        }
    }
}
