using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes <c>xmlns:prefix</c> declarations whose prefix no element or attribute uses.</summary>
internal sealed class RemoveUnusedNamespacesPass : ISvgPass
{
    public string Name => "removeUnusedNS";

    public string Description => "Removes namespace declarations whose prefix is not used.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private readonly HashSet<string> used = new(StringComparer.Ordinal);

        public override void Begin(SvgDocument document)
        {
            foreach (var element in document.Root.DescendantsAndSelf())
            {
                var colon = element.Name.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    this.used.Add(element.Name[..colon]);
                }

                foreach (var attribute in element.Attributes)
                {
                    var prefix = attribute.Prefix;
                    if (prefix.Length > 0 && prefix != "xmlns")
                    {
                        this.used.Add(prefix);
                    }
                }
            }
        }

        public override bool Enter(SvgElement element)
        {
            context.CountRemovedAttribute(element.Attributes.RemoveAll(a =>
                a.Name.StartsWith("xmlns:", StringComparison.Ordinal) && !this.used.Contains(a.Name[6..])));
            return true;
        }
    }
}
