namespace MicroSvg.Dom;

/// <summary>A comment.</summary>
internal sealed class SvgComment(string text) : SvgNode
{
    /// <summary>Gets the text between the comment delimiters.</summary>
    public string Text { get; } = text;
}
