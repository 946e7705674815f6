using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Merges a filled, unstroked path with the next sibling that strokes the same outline unfilled (a
/// common export of outlined shapes) into one path with both paints. Exact: an element paints its
/// fill and then its stroke, just as the two elements did one after the other. The fill outlines must
/// render to the same single-precision points (closepaths aside, which a fill implies); every other
/// attribute must match, and opacity, filters, masks and clips, which would composite the pair as one,
/// must be absent.
/// </summary>
internal sealed class MergeFillAndStrokePass : ISvgPass
{
    /// <summary>Properties that only affect the fill.</summary>
    private static readonly HashSet<string> FillProperties = new(StringComparer.Ordinal) { "fill", "fill-rule", "fill-opacity" };

    /// <summary>Properties that only affect the stroke.</summary>
    private static readonly HashSet<string> StrokeProperties = new(StringComparer.Ordinal)
    {
        "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "vector-effect",
    };

    /// <summary>Attributes that make an element composite as a group or be addressed on its own.</summary>
    private static readonly HashSet<string> Refused = new(StringComparer.Ordinal)
    {
        "id", "class", "style", "opacity", "filter", "mask", "clip-path", "paint-order", "marker-start", "marker-mid", "marker-end", "pathLength",
    };

    public string Name => "mergeFillAndStroke";

    public string Description => "Merges a filled path and the next sibling stroking the same outline unfilled into one path with both paints.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    /// <summary>Returns whether two path data render the same filled outline: equal points as rendered, closepaths and lines back to the start aside.</summary>
    internal static bool SameFill(string first, string second)
    {
        if (!PathParser.TryParse(first, out var a) || !PathParser.TryParse(second, out var b))
        {
            return false;
        }

        Normalize(a);
        Normalize(b);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!SameSegment(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes what a fill implies: closepaths, and lines that return to the subpath start right before one or before the next subpath.</summary>
    private static void Normalize(List<PathCommand> commands)
    {
        var result = new List<PathCommand>(commands.Count);
        var start = default(PathCommand);
        foreach (var c in commands)
        {
            if (c.Command is 'M' or 'Z')
            {
                DropLinesBackTo(result, start);
            }

            if (c.Command == 'M')
            {
                start = c;
            }

            if (c.Command != 'Z')
            {
                result.Add(c);
            }
        }

        DropLinesBackTo(result, start);
        commands.Clear();
        commands.AddRange(result);
    }

    private static void DropLinesBackTo(List<PathCommand> result, PathCommand start)
    {
        while (result.Count > 1 && result[^1].Command is 'L' or 'H' or 'V' && result[^2].Command != 'M'
            && Math.Abs(result[^1].X - start.X) <= 1e-9 * Math.Max(1, Math.Abs(start.X)) && Math.Abs(result[^1].Y - start.Y) <= 1e-9 * Math.Max(1, Math.Abs(start.Y)))
        {
            result.RemoveAt(result.Count - 1);
        }
    }

    private static bool SameSegment(PathCommand a, PathCommand b)
    {
        static char Kind(char command) => command switch
        {
            'H' or 'V' => 'L',
            'S' => 'C',
            'T' => 'Q',
            _ => command,
        };

        if (Kind(a.Command) != Kind(b.Command) || a.RenderedX != b.RenderedX || a.RenderedY != b.RenderedY)
        {
            return false;
        }

        return Kind(a.Command) switch
        {
            'C' => a.RenderedX1 == b.RenderedX1 && a.RenderedY1 == b.RenderedY1 && a.RenderedX2 == b.RenderedX2 && a.RenderedY2 == b.RenderedY2,
            'Q' => a.RenderedX1 == b.RenderedX1 && a.RenderedY1 == b.RenderedY1,
            'A' => a.Rx == b.Rx && a.Ry == b.Ry && a.Angle == b.Angle && a.LargeArc == b.LargeArc && a.Sweep == b.Sweep,
            _ => true,
        };
    }

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic || context.HasMarkers || element.Name is "clipPath" or "switch" or "text" || element.HasPrefix)
            {
                return;
            }

            var children = element.Children;
            for (var i = 0; i + 1 < children.Count; i++)
            {
                if (children[i] is SvgElement { Name: "path" } fill && children[i + 1] is SvgElement { Name: "path" } stroke && this.TryMerge(fill, stroke))
                {
                    children.RemoveAt(i);
                    fill.Parent = null;
                    context.CountRemovedNode();
                }
            }
        }

        private bool TryMerge(SvgElement fill, SvgElement stroke)
        {
            if (fill.Children.Count > 0 || stroke.Children.Count > 0 || fill.Get("d") is not { } fillData || stroke.Get("d") is not { } strokeData)
            {
                return false;
            }

            // The first is filled and not stroked; the second is stroked and not filled.
            if (context.MayStroke(fill) || SvgPassContext.GetInherited(fill, "fill") is "none" or "?" || SvgPassContext.GetInherited(stroke, "fill") != "none")
            {
                return false;
            }

            foreach (var attribute in fill.Attributes)
            {
                if (Refused.Contains(attribute.Name) || attribute.Name.Contains(':', StringComparison.Ordinal)
                    || (attribute.Name != "d" && !FillProperties.Contains(attribute.Name) && !StrokeProperties.Contains(attribute.Name) && stroke.Get(attribute.Name) != attribute.Value))
                {
                    return false;
                }
            }

            foreach (var attribute in stroke.Attributes)
            {
                if (Refused.Contains(attribute.Name) || attribute.Name.Contains(':', StringComparison.Ordinal)
                    || (attribute.Name != "d" && !FillProperties.Contains(attribute.Name) && !StrokeProperties.Contains(attribute.Name) && fill.Get(attribute.Name) != attribute.Value))
                {
                    return false;
                }
            }

            if (!SameFill(fillData, strokeData))
            {
                return false;
            }

            // The stroke's own fill properties painted nothing; the fill's take their place (or, where
            // the fill had none set, the inherited values it used).
            stroke.Attributes.RemoveAll(a => FillProperties.Contains(a.Name));
            stroke.Attributes.InsertRange(0, fill.Attributes.Where(a => FillProperties.Contains(a.Name)));

            return true;
        }
    }
}
