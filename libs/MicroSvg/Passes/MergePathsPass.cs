using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Merges adjacent sibling paths with identical attributes into one path, only where that cannot
/// change a pixel: unstroked, no markers, no paint servers, clips, masks or filters (their bounding box
/// would change), and only when the shapes are far enough apart that neither the fill rule nor
/// anti-aliasing at shared edges can combine them differently.
/// </summary>
internal sealed class MergePathsPass : ISvgPass
{
    public string Name => "mergePaths";

    public string Description => "Merges adjacent paths with identical attributes whose bounding boxes are well apart, for unstroked paths without paint servers.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static bool SameAttributes(SvgElement a, SvgElement b)
    {
        if (a.Attributes.Count != b.Attributes.Count)
        {
            return false;
        }

        foreach (var attribute in a.Attributes)
        {
            if (attribute.Name != "d" && b.Get(attribute.Name) != attribute.Value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Rasterizers take faster, slightly different anti-aliasing paths for single convex contours, so
    /// only paths that already have several contours (and no arcs, which become conics) are merged.
    /// </summary>
    private static bool IsRasterizedAlike(List<PathCommand> commands) =>
        commands.Count(c => c.Command == 'M') >= 2 && !commands.Any(c => c.Command == 'A');

    /// <summary>A cheap test on the text that every path passing <see cref="IsRasterizedAlike"/> passes.</summary>
    private static bool MayBeRasterizedAlike(string data)
    {
        var span = data.AsSpan();
        if (span.IndexOfAny('A', 'a') >= 0)
        {
            return false;
        }

        var first = span.IndexOfAny('M', 'm');
        return first >= 0 && span[(first + 1)..].IndexOfAny('M', 'm') >= 0;
    }

    private static (double MinX, double MinY, double MaxX, double MaxY)? Bounds(List<PathCommand> commands)
    {
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        double cx = 0, cy = 0;
        void Add(double x, double y, double r = 0)
        {
            minX = Math.Min(minX, x - r);
            minY = Math.Min(minY, y - r);
            maxX = Math.Max(maxX, x + r);
            maxY = Math.Max(maxY, y + r);
        }

        double qx = 0, qy = 0;
        var previous = '\0';
        foreach (var p in commands)
        {
            Add(p.X, p.Y);
            switch (p.Command)
            {
                case 'C':
                    Add(p.X1, p.Y1);
                    Add(p.X2, p.Y2);
                    (qx, qy) = (p.X2, p.Y2);
                    break;
                case 'S':
                    var (sx, sy) = previous is 'C' or 'S' ? ((2 * cx) - qx, (2 * cy) - qy) : (cx, cy);
                    Add(sx, sy);
                    Add(p.X2, p.Y2);
                    (qx, qy) = (p.X2, p.Y2);
                    break;
                case 'Q':
                    Add(p.X1, p.Y1);
                    (qx, qy) = (p.X1, p.Y1);
                    break;
                case 'T':
                    (qx, qy) = previous is 'Q' or 'T' ? ((2 * cx) - qx, (2 * cy) - qy) : (cx, cy);
                    Add(qx, qy);
                    break;
                case 'A':
                    var chord = Math.Sqrt(((p.X - cx) * (p.X - cx)) + ((p.Y - cy) * (p.Y - cy)));
                    var r = 2 * Math.Max(Math.Max(Math.Abs(p.Rx), Math.Abs(p.Ry)), chord / 2);
                    Add(cx, cy, r);
                    break;
            }

            (cx, cy) = (p.X, p.Y);
            previous = p.Command;
        }

        return minX <= maxX ? (minX, minY, maxX, maxY) : null;
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element) => !context.IsDynamic && !context.HasMarkers && element.LocalName != "foreignObject" && !element.HasPrefix && element.Name != "clipPath" && element.Name != "switch";

        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers || element.Name is "clipPath" or "switch" or "text")
            {
                return;
            }

            var margin = context.ViewBoxSize / 100;
            List<(double, double, double, double)> parts = [];
            List<PathCommand> merged = [];
            SvgElement? target = null;
            for (var i = 0; i < element.Children.Count; i++)
            {
                if (element.Children[i] is not SvgElement { Name: "path" } path || path.Get("d") is not { } data || !MayBeRasterizedAlike(data)
                    || !this.IsMergeable(path) || !PathParser.TryParse(data, out var commands) || !IsRasterizedAlike(commands) || Bounds(commands) is not { } box)
                {
                    target = null;
                    continue;
                }

                // The margin is a fraction of the image; in this path's user units it shrinks with the scale above it.
                var scale = context.ScaleOf(path);
                var grown = (box.MinX - (margin / scale), box.MinY - (margin / scale), box.MaxX + (margin / scale), box.MaxY + (margin / scale));
                if (target is not null && SameAttributes(target, path) && parts.All(p => !Overlaps(p, grown)))
                {
                    merged.AddRange(commands);
                    parts.Add(grown);
                    var d = PathOptimizer.Optimize(merged, context.CoordinateDecimals(target), PathContext.For(context, target));
                    if (d is not null)
                    {
                        target.Find("d")!.Value = d;
                        element.Children.RemoveAt(i);
                        path.Parent = null;
                        context.CountRemovedNode();
                        i--;
                        continue;
                    }
                }

                target = path;
                parts = [grown];
                merged = commands;
            }
        }

        private static bool Overlaps((double, double, double, double) a, (double, double, double, double) b) =>
            a.Item1 <= b.Item3 && b.Item1 <= a.Item3 && a.Item2 <= b.Item4 && b.Item2 <= a.Item4;

        private bool IsMergeable(SvgElement path)
        {
            if (path.Has("id") || path.Has("style") || path.Has("clip-path") || path.Has("mask") || path.Has("filter") || path.Has("class")
                || path.Children.Count > 0 || context.MayStroke(path) || SvgPassContext.MayBeReused(path))
            {
                return false;
            }

            var fill = SvgPassContext.GetInherited(path, "fill") ?? string.Empty;
            return !fill.Contains("url(", StringComparison.Ordinal) && fill != "?";
        }
    }
}
