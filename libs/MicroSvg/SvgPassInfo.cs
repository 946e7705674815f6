namespace MicroSvg;

/// <summary>The name and description of one optimisation pass.</summary>
public sealed class SvgPassInfo
{
    internal SvgPassInfo(string name, string description)
    {
        this.Name = name;
        this.Description = description;
    }

    /// <summary>Gets the pass name, usable in <see cref="SvgMinifierOptions.DisabledPasses"/>.</summary>
    public string Name { get; }

    /// <summary>Gets what the pass does and when it declines to.</summary>
    public string Description { get; }
}
