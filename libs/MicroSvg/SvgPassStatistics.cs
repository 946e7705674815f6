namespace MicroSvg;

/// <summary>What one pass did over all iterations of a minification.</summary>
public sealed class SvgPassStatistics
{
    internal SvgPassStatistics(string name) => this.Name = name;

    /// <summary>Gets the pass name, as listed in <see cref="SvgMinifier.DefaultPasses"/>.</summary>
    public string Name { get; }

    /// <summary>Gets how many elements (and other nodes such as comments) the pass removed.</summary>
    public int NodesRemoved { get; internal set; }

    /// <summary>Gets how many attributes the pass removed.</summary>
    public int AttributesRemoved { get; internal set; }

    /// <summary>Gets how many attribute values or text contents the pass rewrote.</summary>
    public int ValuesRewritten { get; internal set; }
}
