using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes containers (g, defs, a, symbol, switch) that have no children and no filter.</summary>
internal sealed class RemoveEmptyContainersPass : ISvgPass
{
    public string Name => "removeEmptyContainers";

    public string Description => "Removes empty g, defs, a, symbol and switch elements (a filter on an empty group is kept).";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override bool Enter(SvgElement element) => element.LocalName != "foreignObject" && !element.HasPrefix;

        public override void Exit(SvgElement element)
        {
            if (context.IsDynamic)
            {
                return;
            }

            for (var i = element.Children.Count - 1; i >= 0; i--)
            {
                if (element.Children[i] is SvgElement child && child.Children.Count == 0 && SvgNames.RemovableWhenEmpty.Contains(child.Name)
                    && !child.Has("filter") && !(child.Name == "symbol" && child.Has("id")))
                {
                    element.Children.RemoveAt(i);
                    child.Parent = null;
                    context.CountRemovedNode();
                }
            }
        }
    }
}
