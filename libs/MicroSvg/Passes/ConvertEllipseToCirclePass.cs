using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>Turns an ellipse with equal radii into a circle.</summary>
internal sealed class ConvertEllipseToCirclePass : ISvgPass
{
    public string Name => "convertEllipseToCircle";

    public string Description => "Converts <ellipse> with rx equal to ry into <circle>.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (context.IsDynamic || element.LocalName == "foreignObject")
            {
                return false;
            }

            if (element.Name != "ellipse" || element.Get("rx") is not { } rx || element.Get("ry") is not { } ry)
            {
                return true;
            }

            if (NumberList.ParseLength(rx) is { } x && NumberList.ParseLength(ry) is { } y && x == y && x > 0)
            {
                element.Name = "circle";
                element.Remove("ry");
                element.Find("rx")!.Name = "r";
                context.CountRewritten();
            }

            return true;
        }
    }
}
