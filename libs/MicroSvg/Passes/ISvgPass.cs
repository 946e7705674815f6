namespace MicroSvg.Passes;

/// <summary>One optimisation: a name, a description and a visitor that performs it.</summary>
internal interface ISvgPass
{
    /// <summary>Gets the stable name used in options and statistics.</summary>
    string Name { get; }

    /// <summary>Gets what the pass does and when it declines to.</summary>
    string Description { get; }

    /// <summary>Returns whether the pass runs under the given options.</summary>
    bool IsEnabled(SvgMinifierOptions options) => true;

    /// <summary>Creates the visitor for one run over the document; analysis happens here.</summary>
    SvgVisitor CreateVisitor(SvgPassContext context);
}
