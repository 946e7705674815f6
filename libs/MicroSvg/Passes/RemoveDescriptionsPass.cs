using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes <c>desc</c> elements, and <c>title</c> elements unless titles are kept.</summary>
internal sealed class RemoveDescriptionsPass : ISvgPass
{
    public string Name => "removeDesc";

    public string Description => "Removes <desc>, and <title> unless KeepTitles is set (titles are the accessible name).";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.Name == "desc" || (element.Name == "title" && !context.Options.KeepTitles && !context.HasScript))
            {
                context.RemoveElement(element);
                return false;
            }

            return element.Name != "foreignObject";
        }
    }
}
