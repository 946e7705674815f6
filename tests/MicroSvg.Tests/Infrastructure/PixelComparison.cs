namespace MicroSvg.Tests.Infrastructure;

/// <summary>The difference between two renderings, as defined by the render-test bar.</summary>
public sealed record PixelComparison(int Pixels, int DifferentPixels)
{
    /// <summary>A pixel differs when any premultiplied RGBA channel differs by more than this.</summary>
    public const int ChannelTolerance = 2;

    /// <summary>Gets the fraction of pixels that differ.</summary>
    public double Fraction => this.Pixels == 0 ? 0 : (double)this.DifferentPixels / this.Pixels;

    /// <summary>Gets a value indicating whether over 0.1% of pixels differ.</summary>
    public bool Changed => this.Fraction > 0.001;

    /// <summary>Gets a value indicating whether over 1% of pixels differ.</summary>
    public bool VisiblyChanged => this.Fraction > 0.01;

    /// <summary>Compares two renderings of the same size; a size mismatch counts every pixel as different.</summary>
    public static PixelComparison Compare(byte[] expected, int expectedHeight, byte[] actual, int actualHeight)
    {
        var pixels = expected.Length / 4;
        if (expectedHeight != actualHeight || expected.Length != actual.Length)
        {
            return new PixelComparison(pixels, pixels);
        }

        var different = 0;
        for (var i = 0; i < expected.Length; i += 4)
        {
            if (Math.Abs(expected[i] - actual[i]) > ChannelTolerance || Math.Abs(expected[i + 1] - actual[i + 1]) > ChannelTolerance
                || Math.Abs(expected[i + 2] - actual[i + 2]) > ChannelTolerance || Math.Abs(expected[i + 3] - actual[i + 3]) > ChannelTolerance)
            {
                different++;
            }
        }

        return new PixelComparison(pixels, different);
    }
}
