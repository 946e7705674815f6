namespace MicroSvg.Dom;

/// <summary>A processing instruction such as the XML declaration.</summary>
internal sealed class SvgProcessingInstruction(string target, string data) : SvgNode
{
    /// <summary>Gets the target (for example <c>xml</c> or <c>xml-stylesheet</c>).</summary>
    public string Target { get; } = target;

    /// <summary>Gets the data after the target.</summary>
    public string Data { get; } = data;
}
