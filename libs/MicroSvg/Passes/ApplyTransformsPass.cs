using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Bakes a path's own transform into its coordinates when the result is shorter and exact up to
/// rounding: never for stroked paths (the stroke would not scale), paths with markers, clips, masks,
/// filters, paint servers (their bounding box would move) or ids, and arcs only under transforms
/// that keep ellipses axis-aligned.
/// </summary>
internal sealed class ApplyTransformsPass : ISvgPass
{
    public string Name => "applyTransforms";

    public string Description => "Applies a path's transform to its data when shorter, for unstroked paths without clips, masks, filters or gradients.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static bool TryTransform(List<PathCommand> commands, Matrix m)
    {
        var axisAligned = m.B == 0 && m.C == 0;
        var uniform = axisAligned && Math.Abs(m.A) == Math.Abs(m.D);
        var mirrored = (m.A * m.D) - (m.B * m.C) < 0;
        for (var i = 0; i < commands.Count; i++)
        {
            var p = commands[i];
            (p.X, p.Y) = m.Apply(p.X, p.Y);
            switch (p.Command)
            {
                case 'H':
                case 'V':
                    p.Command = 'L';
                    break;
                case 'C':
                    (p.X1, p.Y1) = m.Apply(p.X1, p.Y1);
                    (p.X2, p.Y2) = m.Apply(p.X2, p.Y2);
                    break;
                case 'S':
                    (p.X2, p.Y2) = m.Apply(p.X2, p.Y2);
                    break;
                case 'Q':
                    (p.X1, p.Y1) = m.Apply(p.X1, p.Y1);
                    break;
                case 'A':
                    if (!axisAligned)
                    {
                        return false;
                    }

                    var quarter = p.Angle % 90 == 0;
                    if (!uniform && !quarter)
                    {
                        return false;
                    }

                    var swap = quarter && Math.Abs(p.Angle % 180) == 90;
                    var (sx, sy) = (Math.Abs(m.A), Math.Abs(m.D));
                    (p.Rx, p.Ry) = uniform ? (p.Rx * sx, p.Ry * sx) : swap ? (p.Rx * sy, p.Ry * sx) : (p.Rx * sx, p.Ry * sy);
                    if (mirrored)
                    {
                        p.Sweep = !p.Sweep;
                        p.Angle = -p.Angle;
                    }

                    break;
            }

            commands[i] = p;
        }

        return true;
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers || element.LocalName == "foreignObject" || element.HasPrefix)
            {
                return false;
            }

            if (element.Name != "path" || element.Get("transform") is not { } transform || element.Find("d") is not { } d)
            {
                return true;
            }

            if (element.Has("id") || element.Has("clip-path") || element.Has("mask") || element.Has("filter") || element.Has("style")
                || context.MayStroke(element) || (SvgPassContext.GetInherited(element, "fill") ?? string.Empty).Contains("url(", StringComparison.Ordinal)
                || element.IsWithin("clipPath") || SvgPassContext.MayBeReused(element))
            {
                return true;
            }

            if (!TransformList.TryParse(transform, out var matrix) || !PathParser.TryParse(d.Value, out var commands) || !TryTransform(commands, matrix))
            {
                return true;
            }

            var baked = PathOptimizer.Optimize(commands, context.CoordinateDecimals(element, includeOwnTransform: false), PathContext.For(context, element));
            if (baked is not null && baked.Length < d.Value.Length + transform.Length + " transform=\"\"".Length)
            {
                context.Rewrite(d, baked);
                context.RemoveAttribute(element, "transform");
            }

            return true;
        }
    }
}
