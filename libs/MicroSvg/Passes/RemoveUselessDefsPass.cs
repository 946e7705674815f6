using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>
/// Removes content that can never render: children of <c>defs</c> without ids (or unreferenced
/// ones), and gradients, patterns, clip paths, masks, markers, filters and symbols nobody can reference.
/// </summary>
internal sealed class RemoveUselessDefsPass : ISvgPass
{
    public string Name => "removeUselessDefs";

    public string Description => "Removes definitions that cannot be referenced (no id, or an id nothing references when ids are not kept).";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        private Dictionary<string, int> references = [];
        private bool idsAreFree;

        public override void Begin(SvgDocument document)
        {
            this.references = IdReferences.Count(document.Root);
            this.idsAreFree = !context.Options.KeepIds && !context.HasStyleSheet && !context.HasScript;
        }

        public override bool Enter(SvgElement element)
        {
            if (element.LocalName == "foreignObject" || element.LocalName == "switch")
            {
                return false;
            }

            var parentIsDefs = element.Parent?.Name == "defs";
            var definition = SvgNames.NonRendering.Contains(element.Name) && element.Name != "defs";
            if ((parentIsDefs || definition) && element.Name is not ("style" or "script") && !this.IsNeeded(element))
            {
                context.RemoveElement(element);
                return false;
            }

            return !definition;
        }

        private bool IsNeeded(SvgElement element)
        {
            foreach (var e in element.DescendantsAndSelf())
            {
                if (e.Name is "style" or "script")
                {
                    return true;
                }

                if (e.Get("id") is { } id && (!this.idsAreFree || this.references.ContainsKey(id) || e.Name is "symbol" or "view"))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
