using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>When asked to, removes <c>foreignObject</c> elements; otherwise they are kept untouched.</summary>
internal sealed class RemoveForeignObjectsPass : ISvgPass
{
    public string Name => "removeForeignObjects";

    public string Description => "With RemoveForeignObjects: removes <foreignObject> elements.";

    public bool IsEnabled(SvgMinifierOptions options) => options.RemoveForeignObjects;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject")
            {
                context.RemoveElement(element);
                return false;
            }

            return true;
        }
    }
}
