using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Removes <c>desc</c> elements, and <c>title</c> elements unless titles are kept; without its title, a
/// root <c>role="img"</c> that no ARIA label names either goes too (an image role without a name).
/// </summary>
internal sealed class RemoveDescriptionsPass : ISvgPass
{
    public string Name => "removeDesc";

    public string Description => "Removes <desc>, and <title> unless KeepTitles is set (titles are the accessible name), with an unnamed root role=\"img\".";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.Parent is null && !context.Options.KeepTitles && !context.HasScript && element.Get("role") == "img"
                && !element.Has("aria-label") && !element.Has("aria-labelledby"))
            {
                context.RemoveAttribute(element, "role");
            }

            if (element.Name == "desc" || (element.Name == "title" && !context.Options.KeepTitles && !context.HasScript))
            {
                context.RemoveElement(element);
                return false;
            }

            return element.Name != "foreignObject";
        }
    }
}
