using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes <c>metadata</c> elements, which never render.</summary>
internal sealed class RemoveMetadataPass : ISvgPass
{
    public string Name => "removeMetadata";

    public string Description => "Removes <metadata> elements.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.Name == "metadata")
            {
                context.RemoveElement(element);
                return false;
            }

            return element.Name != "foreignObject";
        }
    }
}
