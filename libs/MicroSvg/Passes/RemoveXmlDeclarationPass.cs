using MicroSvg.Dom;

namespace MicroSvg.Passes;

/// <summary>Removes the XML declaration (UTF-8 is the default); keeps other processing instructions such as style sheets.</summary>
internal sealed class RemoveXmlDeclarationPass : ISvgPass
{
    public string Name => "removeXMLProcInst";

    public string Description => "Removes the <?xml ...?> declaration; keeps xml-stylesheet and other processing instructions.";

    public SvgVisitor CreateVisitor(SvgPassContext context) => new Visitor(context);

    private sealed class Visitor(SvgPassContext context) : SvgVisitor
    {
        public override void Begin(SvgDocument document) =>
            context.CountRemovedNode(document.Children.RemoveAll(n => n is SvgProcessingInstruction { Target: "xml" }));

        public override bool Enter(SvgElement element) => false;
    }
}
