namespace MicroSvg.Dom;

/// <summary>Character data, written back either escaped or as a CDATA section.</summary>
internal sealed class SvgText(string text, bool isCData) : SvgNode
{
    /// <summary>Gets or sets the decoded text.</summary>
    public string Text { get; set; } = text;

    /// <summary>Gets or sets a value indicating whether the text came from a CDATA section.</summary>
    public bool IsCData { get; set; } = isCData;
}
