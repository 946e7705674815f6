namespace MicroSvg;

/// <summary>The minified SVG and statistics about the minification.</summary>
public sealed class SvgMinifyResult
{
    internal SvgMinifyResult(string output, long bytesIn, long bytesOut, int passesRun, IReadOnlyList<SvgPassStatistics> passes)
    {
        this.Output = output;
        this.BytesIn = bytesIn;
        this.BytesOut = bytesOut;
        this.PassesRun = passesRun;
        this.Passes = passes;
    }

    /// <summary>Gets the minified SVG.</summary>
    public string Output { get; }

    /// <summary>Gets the size of the input in UTF-8 bytes.</summary>
    public long BytesIn { get; }

    /// <summary>Gets the size of <see cref="Output"/> in UTF-8 bytes.</summary>
    public long BytesOut { get; }

    /// <summary>Gets how many iterations of the pass list ran.</summary>
    public int PassesRun { get; }

    /// <summary>Gets per-pass statistics, in pass order.</summary>
    public IReadOnlyList<SvgPassStatistics> Passes { get; }
}
