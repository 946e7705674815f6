using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>When asked to, removes scripts, event attributes and javascript: links; otherwise leaves them untouched.</summary>
internal sealed class RemoveScriptsPass : ISvgPass
{
    public string Name => "removeScripts";

    public string Description => "With RemoveScripts: removes <script>, on* event attributes and javascript: links.";

    public bool IsEnabled(SvgMinifierOptions options) => options.RemoveScripts;

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "script")
            {
                context.RemoveElement(element);
                return false;
            }

            context.CountRemovedAttribute(element.Attributes.RemoveAll(a =>
                (a.Name.StartsWith("on", StringComparison.Ordinal) && a.Name.Length > 2)
                || (a.Name is "href" or "xlink:href" && a.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))));
            return true;
        }
    }
}
