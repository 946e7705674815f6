using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes attributes with empty values, except conditional processing attributes (where empty means false).</summary>
internal sealed class RemoveEmptyAttributesPass : ISvgPass
{
    public string Name => "removeEmptyAttrs";

    public string Description => "Removes attributes with empty values; keeps requiredFeatures, requiredExtensions and systemLanguage.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject")
            {
                return false;
            }

            context.CountRemovedAttribute(element.Attributes.RemoveAll(a =>
                string.IsNullOrWhiteSpace(a.Value) && !SvgNames.Conditional.Contains(a.Name) && !a.Name.StartsWith("xmlns", StringComparison.Ordinal)));
            return true;
        }
    }
}
