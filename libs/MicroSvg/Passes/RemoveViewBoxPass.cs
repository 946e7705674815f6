using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Only when KeepViewBox is off: removes a root viewBox equal to <c>0 0 width height</c>. The image
/// renders the same at its intrinsic size but no longer scales when embedded at another size, which
/// is why this is off by default.
/// </summary>
internal sealed class RemoveViewBoxPass : ISvgPass
{
    public string Name => "removeViewBox";

    public string Description => "With KeepViewBox off: removes a root viewBox equal to 0 0 width height.";

    public bool IsEnabled(SvgMinifierOptions options) => !options.KeepViewBox;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.Get("viewBox") is { } viewBox && NumberList.Parse(viewBox) is [0, 0, var w, var h]
                && element.Get("width") is { } width && element.Get("height") is { } height
                && NumberList.ParseLength(width) == w && NumberList.ParseLength(height) == h)
            {
                context.RemoveAttribute(element, "viewBox");
            }

            return false;
        }
    }
}
