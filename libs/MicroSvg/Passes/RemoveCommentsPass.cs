using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes comments, except legal comments starting with <c>!</c>.</summary>
internal sealed class RemoveCommentsPass : ISvgPass
{
    public string Name => "removeComments";

    public string Description => "Removes comments; keeps <!--! legal comments -->.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private static bool IsRemovable(SvgNode node) => node is SvgComment comment && !comment.Text.StartsWith('!');

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Begin(SvgDocument document) => context.CountRemovedNode(document.Children.RemoveAll(IsRemovable));

        public override bool Enter(SvgElement element)
        {
            context.CountRemovedNode(element.Children.RemoveAll(IsRemovable));
            return element.LocalName != "foreignObject";
        }
    }
}
