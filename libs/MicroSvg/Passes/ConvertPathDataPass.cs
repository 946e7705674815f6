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
        /// <summary>One list for every path of the document.</summary>
        private readonly List<PathCommand> commands = [];

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

            // The rewrite is a pure function of the data and these settings: data this pass already
            // produced under the same settings would come out unchanged.
            var decimals = context.CoordinateDecimals(element);
            var allowances = PathContext.For(context, element);
            var settings = (decimals * 8) + (int)allowances;
            if (d.Memo is { } memo && ReferenceEquals(memo.Value, d.Value) && memo.Settings == settings)
            {
                return true;
            }

            if (PathParser.TryParse(d.Value, this.commands)
                && PathOptimizer.Optimize(this.commands, decimals, allowances, context.ArcTolerance(element)) is { } optimized && optimized.Length <= d.Value.Length)
            {
                context.Rewrite(d, optimized);
            }

            d.Memo = (d.Value, settings);
            return true;
        }
    }
}
