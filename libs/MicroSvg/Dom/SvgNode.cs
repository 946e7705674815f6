namespace MicroSvg.Dom;

/// <summary>A node of the mutable document tree.</summary>
internal abstract class SvgNode
{
    /// <summary>Gets or sets the parent element, or null at the top level or once detached.</summary>
    public SvgElement? Parent { get; set; }
}
