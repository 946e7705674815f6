using SkiaSharp;
using Svg.Skia;

namespace Benchmarks.Svg;

/// <summary>Renders SVG at 256 px wide and compares premultiplied RGBA pixels (same rules as the render tests).</summary>
internal static class SvgRendering
{
    private const int Width = 256;

    /// <summary>Returns the fraction of pixels differing by more than 2/255 in any channel, or null when the original cannot be rendered.</summary>
    public static double? DifferentFraction(string original, string candidate)
    {
        var expected = Render(original, out var expectedHeight);
        if (expected is null)
        {
            return null;
        }

        var actual = Render(candidate, out var actualHeight);
        if (actual is null || actualHeight != expectedHeight)
        {
            return 1;
        }

        var different = 0;
        for (var i = 0; i < expected.Length; i += 4)
        {
            if (Math.Abs(expected[i] - actual[i]) > 2 || Math.Abs(expected[i + 1] - actual[i + 1]) > 2
                || Math.Abs(expected[i + 2] - actual[i + 2]) > 2 || Math.Abs(expected[i + 3] - actual[i + 3]) > 2)
            {
                different++;
            }
        }

        return (double)different / (expected.Length / 4);
    }

    private static byte[]? Render(string text, out int height)
    {
        height = 0;
        using var svg = new SKSvg();
        SKPicture? picture;
        try
        {
            picture = svg.FromSvg(text);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }

        if (picture is null || picture.CullRect.Width <= 0 || picture.CullRect.Height <= 0)
        {
            return null;
        }

        var bounds = picture.CullRect;
        var scale = Width / bounds.Width;
        height = Math.Clamp((int)Math.Ceiling(bounds.Height * scale), 1, 4096);
        using var bitmap = new SKBitmap(new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Transparent);
            canvas.Scale(scale);
            canvas.Translate(-bounds.Left, -bounds.Top);
            canvas.DrawPicture(picture);
        }

        return bitmap.Bytes;
    }
}
