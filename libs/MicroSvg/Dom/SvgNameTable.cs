namespace MicroSvg.Dom;

/// <summary>
/// The element and attribute names the parser meets most, as the same string instances that the
/// passes compare with: a known name costs no allocation, and comparing it with a literal ends at the
/// reference check.
/// </summary>
/// <remarks>Read-only after type initialization, so thread-safe.</remarks>
internal static class SvgNameTable
{
    private static readonly HashSet<string> Names = Create();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Returns the table's instance of the name, or a new string when it is not a known name.</summary>
    public static string Get(ReadOnlySpan<char> name) => Lookup.TryGetValue(name, out var known) ? known : name.ToString();

    private static HashSet<string> Create()
    {
        string[] names =
        [
            "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "defs", "use", "symbol",
            "linearGradient", "radialGradient", "stop", "clipPath", "mask", "pattern", "marker", "filter", "image",
            "text", "tspan", "textPath", "title", "desc", "metadata", "style", "script", "a", "switch", "foreignObject",
            "feGaussianBlur", "feOffset", "feBlend", "feColorMatrix", "feFlood", "feComposite", "feMerge", "feMergeNode",
            "d", "id", "class", "transform", "viewBox", "version", "xmlns", "xmlns:xlink", "xlink:href", "href",
            "points", "offset", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits", "patternTransform",
            "clipPathUnits", "maskUnits", "filterUnits", "preserveAspectRatio", "xml:space", "enable-background",
            "data-name", "aria-hidden", "aria-label", "role", "focusable", "x", "y",
        ];
        var set = new HashSet<string>(names, StringComparer.Ordinal);
        set.UnionWith(SvgNames.Presentation);
        set.UnionWith(SvgNames.CoordinateAttributes);
        set.UnionWith(SvgNames.RatioAttributes);
        set.UnionWith(SvgNames.Animation);
        set.UnionWith(SvgNames.NonRendering);
        set.UnionWith(SvgNames.Shapes);
        return set;
    }
}
