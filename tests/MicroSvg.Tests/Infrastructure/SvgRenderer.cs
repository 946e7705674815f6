using SkiaSharp;
using Svg.Skia;

namespace MicroSvg.Tests.Infrastructure;

/// <summary>Renders SVG text to premultiplied RGBA pixels with Svg.Skia at a fixed width.</summary>
public static class SvgRenderer
{
    public const int Width = 256;

    /// <summary>Renders at <see cref="Width"/> pixels wide; null when Svg.Skia cannot load the document.</summary>
    public static byte[]? Render(string svgText, out int height)
    {
        height = 0;
        using var svg = new SKSvg();
        SKPicture? picture;
        try
        {
            picture = svg.FromSvg(svgText);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            return null;
        }

        if (picture is null)
        {
            return null;
        }

        var bounds = picture.CullRect;
        if (bounds.Width <= 0 || bounds.Height <= 0)
        {
            return null;
        }

        var scale = Width / bounds.Width;
        height = Math.Clamp((int)Math.Ceiling(bounds.Height * scale), 1, 4096);
        var info = new SKImageInfo(Width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
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
