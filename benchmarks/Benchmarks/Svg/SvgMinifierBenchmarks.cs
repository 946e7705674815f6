using BenchmarkDotNet.Attributes;
using MicroSvg;

namespace Benchmarks.Svg;

/// <summary>Minification of a typical editor-authored drawing and of a small icon.</summary>
[MemoryDiagnoser]
public class SvgMinifierBenchmarks
{
    private const string Icon = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 24\"><path d=\"M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z\"/></svg>";

    private string drawing = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        var sb = new System.Text.StringBuilder("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:inkscape=\"http://www.inkscape.org/namespaces/inkscape\" viewBox=\"0 0 500 500\"><metadata>x</metadata>");
        for (var i = 0; i < 200; i++)
        {
            sb.Append("<g inkscape:label=\"l\"><path style=\"fill:#FF0000;fill-opacity:1.0;stroke:none\" d=\"M ")
              .Append(i * 1.234567).Append(',').Append(i * 2.345678).Append(" C 10.123456,20.654321 30.111111,40.999999 50.000001,60.000001 L 70.5,80.25 Z\"/></g>");
        }

        this.drawing = sb.Append("</svg>").ToString();
    }

    [Benchmark]
    public string MinifyIcon() => SvgMinifier.Minify(Icon).Output;

    [Benchmark]
    public string MinifyEditorDrawing() => SvgMinifier.Minify(this.drawing).Output;
}
