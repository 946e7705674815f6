using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>
/// Removes attributes equal to their default where that is exact: non-inherited defaults anywhere,
/// inherited ones only where no ancestor sets the property; also attributes that do nothing (version,
/// baseProfile, x and y of the outermost svg; width and height of a use that references neither an
/// svg nor a symbol).
/// </summary>
internal sealed class RemoveDefaultsPass : ISvgPass
{
    private static readonly Dictionary<string, string> ZeroPositionDefaults = new(StringComparer.Ordinal)
    {
        ["rect"] = "x y",
        ["image"] = "x y",
        ["use"] = "x y",
        ["circle"] = "cx cy",
        ["ellipse"] = "cx cy",
        ["line"] = "x1 y1 x2 y2",
        ["foreignObject"] = "x y",
        ["svg"] = "x y",
    };

    public string Name => "removeUnknownsAndDefaults";

    public string Description => "Removes attributes equal to their default value when exact (inherited properties only where no ancestor sets them).";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private Dictionary<string, SvgElement>? ids;

        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject" || element.HasPrefix)
            {
                return false;
            }

            if (element.Parent is null)
            {
                foreach (var name in new[] { "version", "baseProfile", "x", "y", "enable-background" })
                {
                    context.RemoveAttribute(element, name);
                }

                if (!element.DescendantsAndSelf().Any(e => e.Name is "text" or "tspan" or "textPath" or "title" or "style" or "script"))
                {
                    context.RemoveAttribute(element, "xml:space");
                }
            }

            if (context.IsDynamic)
            {
                return true;
            }

            foreach (var attribute in element.Attributes.ToArray())
            {
                if (this.IsDefault(element, attribute))
                {
                    context.RemoveAttribute(element, attribute.Name);
                }
            }

            if (element.Name == "use" && (element.Has("width") || element.Has("height")) && this.Target(element) is { Name: not ("svg" or "symbol") })
            {
                // SVG: a use's width and height only size a referenced svg or symbol.
                context.RemoveAttribute(element, "width");
                context.RemoveAttribute(element, "height");
            }

            return true;
        }

        /// <summary>Returns the element a use references within the document, or null.</summary>
        private SvgElement? Target(SvgElement use)
        {
            var href = use.Get("href") ?? use.Get("xlink:href");
            if (href is null || !href.StartsWith('#'))
            {
                return null;
            }

            this.ids ??= context.Document.Root.DescendantsAndSelf().Where(e => e.Get("id") is not null).GroupBy(e => e.Get("id")!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            return this.ids.GetValueOrDefault(href[1..]);
        }

        private bool IsDefault(SvgElement element, SvgAttribute attribute)
        {
            var name = attribute.Name;
            var value = attribute.Value.Trim();
            if (SvgNames.NonInheritableDefaults.TryGetValue(name, out var nonInherited))
            {
                return Same(value, nonInherited);
            }

            if (SvgNames.Inheritable.Contains(name) && element.Parent is { } holder && !SvgPassContext.MayBeReused(element))
            {
                // Inheriting gives the same value: the attribute says nothing.
                var fromParent = SvgPassContext.GetInherited(holder, name);
                if (value == "inherit" || (fromParent is not null && fromParent != "?" && fromParent.Trim() == value))
                {
                    return true;
                }
            }

            if (SvgNames.InheritableDefaults.TryGetValue(name, out var inherited))
            {
                return Same(value, inherited) && element.Parent is { } parent && SvgPassContext.GetInherited(parent, name) is null
                    && !element.IsWithin("clipPath") && !element.IsWithin("mask") && !element.IsWithin("pattern") && !element.IsWithin("marker") && !element.IsWithin("symbol") && !element.IsWithin("defs")
                    && !SvgPassContext.MayBeReused(element);
            }

            if (ZeroPositionDefaults.TryGetValue(element.Name, out var zeroes) && zeroes.Split(' ').Contains(name) && element.Parent is not null)
            {
                return NumberList.ParseLength(value) == 0;
            }

            return false;
        }

        private static bool Same(string value, string defaultValue)
        {
            if (value == defaultValue)
            {
                return true;
            }

            return SvgNumber.TryParse(defaultValue, out var d) && NumberList.ParseLength(value) is { } v && v == d;
        }
    }
}
