namespace MicroSvg.Dom;

/// <summary>A document type declaration without internal subset; it is kept inert and never resolved.</summary>
internal sealed class SvgDoctype(string text) : SvgNode
{
    /// <summary>Gets the text between <c>&lt;!DOCTYPE</c> and <c>&gt;</c>.</summary>
    public string Text { get; } = text;
}
