using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes elements, attributes and namespace declarations of editors (Inkscape, Sodipodi, Illustrator, Sketch, Figma, ...).</summary>
internal sealed class RemoveEditorsDataPass : ISvgPass
{
    public string Name => "removeEditorsNSData";

    public string Description => "Removes editor namespaces (Inkscape, Sodipodi, Illustrator, Sketch, Figma, RDF/Dublin Core) with their elements and attributes.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private readonly HashSet<string> prefixes = new(StringComparer.Ordinal);

        public override void Begin(SvgDocument document)
        {
            foreach (var element in document.Root.DescendantsAndSelf())
            {
                foreach (var attribute in element.Attributes)
                {
                    if (attribute.Name.StartsWith("xmlns:", StringComparison.Ordinal) && SvgNames.EditorNamespaces.Contains(attribute.Value.Trim()))
                    {
                        this.prefixes.Add(attribute.Name[6..]);
                    }
                }
            }
        }

        public override bool Enter(SvgElement element)
        {
            if (this.prefixes.Count == 0)
            {
                return false;
            }

            // Illustrator keeps its private data in a switch branch that requires its own extension;
            // no renderer supports it, so the switch always falls through to the next branch.
            if (element.Name == "foreignObject" && element.Parent?.Name == "switch" && element.Get("requiredExtensions") is { } extension
                && SvgNames.EditorNamespaces.Contains(extension.Trim()))
            {
                context.RemoveElement(element);
                return false;
            }

            if (element.HasPrefix && this.prefixes.Contains(element.Name[..element.Name.IndexOf(':', StringComparison.Ordinal)]))
            {
                context.RemoveElement(element);
                return false;
            }

            context.CountRemovedAttribute(element.Attributes.RemoveAll(a =>
                this.prefixes.Contains(a.Prefix) || (a.Name.StartsWith("xmlns:", StringComparison.Ordinal) && this.prefixes.Contains(a.Name[6..]))));
            return element.LocalName != "foreignObject";
        }
    }
}
