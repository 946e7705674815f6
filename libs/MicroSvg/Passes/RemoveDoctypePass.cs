using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes the document type declaration; it is never used for rendering.</summary>
internal sealed class RemoveDoctypePass : ISvgPass
{
    public string Name => "removeDoctype";

    public string Description => "Removes the DOCTYPE declaration.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Begin(SvgDocument document) =>
            context.CountRemovedNode(document.Children.RemoveAll(n => n is SvgDoctype));

        public override bool Enter(SvgElement element) => false;
    }
}
