namespace MicroSvg.Dom;

/// <summary>A parsed document: top-level nodes around exactly one root element.</summary>
internal sealed class SvgDocument
{
    public SvgDocument(List<SvgNode> children, SvgElement root)
    {
        this.Children = children;
        this.Root = root;
    }

    /// <summary>Gets the top-level nodes in order, including <see cref="Root"/>.</summary>
    public List<SvgNode> Children { get; }

    /// <summary>Gets the root element.</summary>
    public SvgElement Root { get; }
}
