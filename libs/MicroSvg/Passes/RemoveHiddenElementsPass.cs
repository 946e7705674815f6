using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Removes elements that cannot render: display="none", opacity="0", zero-sized shapes and empty
/// paths, unless something references them or anything inside them. Skipped when style sheets,
/// scripts or animations could make them visible.
/// </summary>
internal sealed class RemoveHiddenElementsPass : ISvgPass
{
    public string Name => "removeHiddenElems";

    public string Description => "Removes display=none, opacity=0, zero-sized shapes and empty paths when nothing references them.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private Dictionary<string, int> references = [];

        public override void Begin(SvgDocument document) => this.references = IdReferences.Count(document.Root);

        public override bool Enter(SvgElement element)
        {
            if (context.IsDynamic || element.LocalName == "foreignObject" || element.Name == "switch")
            {
                return false;
            }

            if (element.Parent is not null && !element.HasPrefix && this.IsHidden(element) && !this.IsReferenced(element))
            {
                context.RemoveElement(element);
                return false;
            }

            return true;
        }

        private bool IsReferenced(SvgElement element)
        {
            foreach (var e in element.DescendantsAndSelf())
            {
                if (e.Get("id") is { } id && this.references.ContainsKey(id))
                {
                    return true;
                }
            }

            return false;
        }

        private bool IsHidden(SvgElement element)
        {
            var name = element.Name;

            // display does not apply to these: they render through references even when display is none.
            var displayApplies = !SvgNames.NonRendering.Contains(name) && name is not ("stop" or "style" or "script" or "title" or "desc");
            if (displayApplies && SvgPassContext.GetProperty(element, "display")?.Trim() == "none")
            {
                return true;
            }

            if (displayApplies && !element.IsWithin("clipPath") && SvgPassContext.GetProperty(element, "opacity") is { } opacity && NumberList.ParseLength(opacity) == 0)
            {
                return true;
            }

            if (SvgNames.Shapes.Contains(name) && this.PaintsNothing(element))
            {
                return true;
            }

            return name switch
            {
                "path" => element.Get("d") is not { } d || string.IsNullOrWhiteSpace(d),
                "circle" => IsZero(element, "r"),
                "ellipse" => IsZero(element, "rx") || IsZero(element, "ry"),
                "rect" => IsZero(element, "width") || IsZero(element, "height"),
                "polyline" or "polygon" => element.Get("points") is not { } p || string.IsNullOrWhiteSpace(p),
                "image" => IsZero(element, "width") || IsZero(element, "height"),
                _ => false,
            };
        }

        /// <summary>
        /// A shape with neither fill nor stroke draws nothing, unless markers, a filter or mask above it
        /// (whose region may depend on its bounding box) or a clip path (which uses geometry only) see it.
        /// </summary>
        private bool PaintsNothing(SvgElement element)
        {
            if (context.HasMarkers || SvgPassContext.MayBeReused(element))
            {
                return false;
            }

            for (var e = element; e is not null; e = e.Parent)
            {
                if (e.Has("filter") || e.Has("mask") || e.Has("clip-path") || (e.Get("style") is { } style && (style.Contains("filter", StringComparison.Ordinal) || style.Contains("mask", StringComparison.Ordinal) || style.Contains("clip", StringComparison.Ordinal))))
                {
                    return false;
                }
            }

            var fill = SvgPassContext.GetInherited(element, "fill");
            var stroke = SvgPassContext.GetInherited(element, "stroke");
            return fill is not null && fill.Trim() == "none" && (stroke is null || stroke.Trim() == "none");
        }

        /// <summary>Zero when explicitly zero (or, for circle r, missing, which also means zero).</summary>
        private static bool IsZero(SvgElement element, string attribute)
        {
            var value = element.Get(attribute);
            if (value is null)
            {
                return attribute == "r";
            }

            return NumberList.ParseLength(value) is { } number && number <= 0;
        }
    }
}
