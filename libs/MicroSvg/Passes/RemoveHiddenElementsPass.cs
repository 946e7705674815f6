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
