using System.Text;
using MicroSvg.Dom;
using MicroSvg.Passes;

namespace MicroSvg;

/// <summary>
/// Minifies SVG documents. A pure transform: no file, network or console I/O.
/// </summary>
/// <remarks>
/// All members are thread-safe; each call parses its own document. The passes run in the fixed
/// order of <see cref="DefaultPasses"/>, and with <see cref="SvgMinifierOptions.Multipass"/> the
/// whole list runs again until the output stops shrinking.
/// </remarks>
public static class SvgMinifier
{
    private static readonly ISvgPass[] Passes =
    [
        new RemoveDoctypePass(),
        new RemoveXmlDeclarationPass(),
        new RemoveCommentsPass(),
        new RemoveMetadataPass(),
        new RemoveEditorsDataPass(),
        new RemoveScriptsPass(),
        new RemoveForeignObjectsPass(),
        new RemoveDescriptionsPass(),
        new RemoveWhitespacePass(),
        new CleanupAttributesPass(),
        new MinifyStylesPass(),
        new CleanupIdsPass(),
        new RemoveUselessDefsPass(),
        new CleanupNumericValuesPass(),
        new ConvertColorsPass(),
        new RemoveDefaultsPass(),
        new RemoveUselessStrokeAndFillPass(),
        new RemoveViewBoxPass(),
        new RemoveHiddenElementsPass(),
        new ConvertEllipseToCirclePass(),
        new MoveElementAttributesToGroupPass(),
        new CollapseGroupsPass(),
        new ConvertTransformsPass(),
        new ConvertShapesToPathPass(),
        new MergeFillAndStrokePass(),
        new ApplyTransformsPass(),
        new MergePathsPass(),
        new ReusePathsPass(),
        new GroupSharedAttributesPass(),
        new ConvertPathDataPass(),
        new RemoveEmptyAttributesPass(),
        new RemoveEmptyContainersPass(),
        new ConvertXlinkHrefPass(),
        new RemoveUnusedNamespacesPass(),
    ];

    /// <summary>Serialization buffers above this size are dropped after a call instead of kept for the next one.</summary>
    private const int MaxKeptBufferChars = 1 << 20;

    /// <summary>The serialization buffers of this thread between calls (null while a call uses them).</summary>
    [ThreadStatic]
    private static CharBuffer? spareBest;

    /// <summary>The second buffer of this thread, see <see cref="spareBest"/>.</summary>
    [ThreadStatic]
    private static CharBuffer? spareCurrent;

    /// <summary>Gets the passes in the order they run.</summary>
    public static IReadOnlyList<SvgPassInfo> DefaultPasses { get; } = Passes.Select(p => new SvgPassInfo(p.Name, p.Description)).ToArray();

    /// <summary>Minifies an SVG document.</summary>
    /// <param name="svg">The document text.</param>
    /// <param name="options">Options, or null for <see cref="SvgMinifierOptions.Default"/>.</param>
    /// <returns>The minified document and statistics.</returns>
    /// <exception cref="SvgParseException">The input is malformed, declares a DTD or entities, or exceeds a limit.</exception>
    public static SvgMinifyResult Minify(string svg, SvgMinifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(svg);
        return Run(svg, options ?? SvgMinifierOptions.Default);
    }

    /// <summary>Minifies an SVG document given as characters.</summary>
    /// <param name="svg">The document text.</param>
    /// <param name="options">Options, or null for <see cref="SvgMinifierOptions.Default"/>.</param>
    /// <returns>The minified document and statistics.</returns>
    /// <exception cref="SvgParseException">The input is malformed, declares a DTD or entities, or exceeds a limit.</exception>
    public static SvgMinifyResult Minify(ReadOnlySpan<char> svg, SvgMinifierOptions? options = null)
    {
        options ??= SvgMinifierOptions.Default;
        RequireSize(svg.Length, options);
        return Run(svg.ToString(), options);
    }

    /// <summary>Minifies an SVG document read from a UTF-8 stream (a byte order mark is accepted).</summary>
    /// <param name="utf8Svg">The stream; read to its end and not disposed.</param>
    /// <param name="options">Options, or null for <see cref="SvgMinifierOptions.Default"/>.</param>
    /// <returns>The minified document and statistics.</returns>
    /// <exception cref="SvgParseException">The input is malformed, declares a DTD or entities, or exceeds a limit.</exception>
    public static SvgMinifyResult Minify(Stream utf8Svg, SvgMinifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(utf8Svg);
        options ??= SvgMinifierOptions.Default;
        using var reader = new StreamReader(utf8Svg, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true, bufferSize: 16384, leaveOpen: true);
        var sb = new StringBuilder();
        var buffer = new char[16384];
        int read;
        try
        {
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                RequireSize((long)sb.Length + read, options);
                sb.Append(buffer, 0, read);
            }
        }
        catch (DecoderFallbackException exception)
        {
            throw new SvgParseException($"The input is not valid UTF-8: {exception.Message}", SvgParseErrorKind.Malformed, 1, 1);
        }

        return Run(sb.ToString(), options);
    }

    internal static bool IsKnownPass(string name) => Passes.Any(p => p.Name == name);

    /// <summary>Runs the given passes once each, in order, on a parsed document (for tests of single passes).</summary>
    internal static string RunPasses(string svg, SvgMinifierOptions options, params string[] names)
    {
        var document = SvgParser.Parse(svg, options);
        foreach (var name in names)
        {
            var pass = Passes.Single(p => p.Name == name);
            pass.CreateVisitor(new SvgPassContext(document, options, new SvgPassStatistics(name))).Walk(document);
        }

        return SvgSerializer.Serialize(document, options.Pretty);
    }

    private static void RequireSize(long length, SvgMinifierOptions options)
    {
        if (length > options.MaxInputChars)
        {
            throw new SvgParseException($"Input exceeds MaxInputChars ({options.MaxInputChars})", SvgParseErrorKind.LimitExceeded, 1, 1);
        }
    }

    private static SvgMinifyResult Run(string svg, SvgMinifierOptions options)
    {
        var document = SvgParser.Parse(svg, options);
        var enabled = Passes.Where(p => p.IsEnabled(options) && !options.DisabledPasses.Contains(p.Name)).ToArray();
        var statistics = enabled.Select(p => new SvgPassStatistics(p.Name)).ToArray();

        // Each iteration is serialized only to compare lengths: into two buffers of this thread that
        // swap roles, so that only the output that wins becomes a string.
        var best = TakeBuffer(ref spareBest);
        var current = TakeBuffer(ref spareCurrent);
        try
        {
            SvgSerializer.Serialize(document, pretty: false, best);
            var iterations = 0;
            var maxIterations = options.Multipass ? options.MaxPassIterations : 1;
            while (iterations < maxIterations)
            {
                iterations++;
                var facts = new SvgPassContext(document, options, new SvgPassStatistics("facts"));
                for (var i = 0; i < enabled.Length; i++)
                {
                    enabled[i].CreateVisitor(new SvgPassContext(document, options, statistics[i], facts)).Walk(document);
                }

                current.Clear();
                SvgSerializer.Serialize(document, pretty: false, current);
                var shrank = current.Length < best.Length;
                if (current.Length <= best.Length)
                {
                    (best, current) = (current, best);
                }

                if (!shrank)
                {
                    break;
                }
            }

            var output = best.ToString();
            if (options.Pretty)
            {
                output = SvgSerializer.Serialize(SvgParser.Parse(output, options), pretty: true);
            }

            return new SvgMinifyResult(output, Encoding.UTF8.GetByteCount(svg), Encoding.UTF8.GetByteCount(output), iterations, statistics);
        }
        finally
        {
            spareBest = KeepBuffer(best);
            spareCurrent = KeepBuffer(current);
        }
    }

    private static CharBuffer TakeBuffer(ref CharBuffer? spare)
    {
        var buffer = spare ?? new CharBuffer(4096);
        spare = null;
        buffer.Clear();
        return buffer;
    }

    private static CharBuffer? KeepBuffer(CharBuffer buffer) => buffer.Capacity <= MaxKeptBufferChars ? buffer : null;
}
