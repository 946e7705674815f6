using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>Decides what the path optimizer may assume about how a path element is painted.</summary>
internal static class PathContext
{
    /// <summary>Returns the allowances for one path element.</summary>
    public static PathOptimizer.Allowances For(SvgPassContext context, SvgElement element)
    {
        var allowances = PathOptimizer.Allowances.None;
        if (!context.HasMarkers)
        {
            allowances |= PathOptimizer.Allowances.NoMarkers;
        }

        if (!context.MayStroke(element))
        {
            allowances |= PathOptimizer.Allowances.FillOnly;
        }

        if (element.Parent is { } parent && (parent.Has("transform") || (parent.Parent is null && (parent.Has("width") || parent.Has("height")))))
        {
            allowances |= PathOptimizer.Allowances.KeepPolygonClose;
        }

        return allowances;
    }

    /// <summary>Returns whether an animation may change this element's path data.</summary>
    public static bool IsAnimated(SvgPassContext context, SvgElement element) =>
        context.HasAnimation && (element.ChildElements.Any(c => SvgNames.Animation.Contains(c.Name)) || element.Has("id") || context.Document.Root.DescendantsAndSelf().Any(e => e.Get("attributeName") == "d"));
}
