using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Rewrites path data in its shortest exact form: coordinates rounded once in absolute terms, each
/// segment absolute or relative whichever is shorter, implicit commands, H/V for axis-aligned lines,
/// S/T only for exactly reflected control points, compact arc flags, invisible segments removed only
/// for unstroked paths without markers. Data with errors is left as written (it renders up to the error).
/// </summary>
internal sealed class ConvertPathDataPass : ISvgPass
{
    public string Name => "convertPathData";

    public string Description => "Minifies path data: relative/absolute per segment, implicit commands, shorthand curves, compact flags, useless segments.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject" || element.HasPrefix)
            {
                return false;
            }

            if (element.Name != "path" || element.Find("d") is not { } d || PathContext.IsAnimated(context, element))
            {
                return true;
            }

            if (!PathParser.TryParse(d.Value, out var commands))
            {
                return true;
            }

            var optimized = PathOptimizer.Optimize(commands, context.CoordinateDecimals(element), PathContext.For(context, element));
            if (optimized is not null && optimized.Length <= d.Value.Length)
            {
                context.Rewrite(d, optimized);
            }

            return true;
        }
    }
}
