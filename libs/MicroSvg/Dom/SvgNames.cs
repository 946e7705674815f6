namespace MicroSvg.Dom;

/// <summary>Facts about SVG element and attribute names that the passes rely on.</summary>
internal static class SvgNames
{
    /// <summary>The SVG namespace URI.</summary>
    public const string SvgNamespace = "http://www.w3.org/2000/svg";

    /// <summary>The XLink namespace URI.</summary>
    public const string XlinkNamespace = "http://www.w3.org/1999/xlink";

    /// <summary>Namespaces written by editors that carry nothing for rendering.</summary>
    public static readonly HashSet<string> EditorNamespaces = new(StringComparer.Ordinal)
    {
        "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd",
        "http://www.inkscape.org/namespaces/inkscape",
        "http://www.bohemiancoding.com/sketch/ns",
        "http://ns.adobe.com/AdobeIllustrator/10.0/",
        "http://ns.adobe.com/Graphs/1.0/",
        "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/",
        "http://ns.adobe.com/Variables/1.0/",
        "http://ns.adobe.com/SaveForWeb/1.0/",
        "http://ns.adobe.com/Extensibility/1.0/",
        "http://ns.adobe.com/Flows/1.0/",
        "http://ns.adobe.com/ImageReplacement/1.0/",
        "http://ns.adobe.com/GenericCustomNamespace/1.0/",
        "http://ns.adobe.com/XPath/1.0/",
        "http://schemas.microsoft.com/visio/2003/SVGExtensions/",
        "http://taptrix.com/vectorillustrator/svg_extensions",
        "http://www.figma.com/figma/ns",
        "http://purl.org/dc/elements/1.1/",
        "http://creativecommons.org/ns#",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.serif.com/",
        "http://www.vector.evaxdesign.sk",
        "http://www.corel.com/coreldraw/odm/2003",
        "https://boxy-svg.com",
    };

    /// <summary>Elements whose character data is rendered or otherwise meaningful.</summary>
    private static readonly HashSet<string> TextContent = new(StringComparer.Ordinal)
    {
        "text", "tspan", "textPath", "tref", "altGlyph", "title", "desc", "style", "script", "a",
    };

    /// <summary>SMIL animation elements.</summary>
    public static readonly HashSet<string> Animation = new(StringComparer.Ordinal)
    {
        "animate", "animateColor", "animateMotion", "animateTransform", "set", "discard",
    };

    /// <summary>Containers that may be removed when empty (and not referenced).</summary>
    public static readonly HashSet<string> RemovableWhenEmpty = new(StringComparer.Ordinal)
    {
        "g", "defs", "a", "switch", "symbol", "metadata",
    };

    /// <summary>Elements that are referenced and never rendered directly.</summary>
    public static readonly HashSet<string> NonRendering = new(StringComparer.Ordinal)
    {
        "clipPath", "mask", "pattern", "marker", "symbol", "linearGradient", "radialGradient", "filter", "defs",
    };

    /// <summary>Shapes and other graphics elements that draw.</summary>
    public static readonly HashSet<string> Shapes = new(StringComparer.Ordinal)
    {
        "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    };

    /// <summary>Inheritable presentation properties (the ones that can move between group and children).</summary>
    public static readonly HashSet<string> Inheritable = new(StringComparer.Ordinal)
    {
        "clip-rule", "color", "color-interpolation", "color-interpolation-filters", "color-profile", "color-rendering",
        "cursor", "direction", "dominant-baseline", "fill", "fill-opacity", "fill-rule", "font", "font-family", "font-size",
        "font-size-adjust", "font-stretch", "font-style", "font-variant", "font-weight", "glyph-orientation-horizontal",
        "glyph-orientation-vertical", "image-rendering", "letter-spacing", "marker", "marker-end", "marker-mid",
        "marker-start", "paint-order", "pointer-events", "shape-rendering", "stroke", "stroke-dasharray", "stroke-dashoffset",
        "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-opacity", "stroke-width", "text-anchor",
        "text-rendering", "visibility", "word-spacing", "writing-mode",
    };

    /// <summary>Presentation attributes (also settable through <c>style</c>).</summary>
    public static readonly HashSet<string> Presentation = new(Inheritable, StringComparer.Ordinal)
    {
        "alignment-baseline", "baseline-shift", "clip", "clip-path", "display", "enable-background", "filter",
        "flood-color", "flood-opacity", "lighting-color", "mask", "opacity", "overflow", "stop-color", "stop-opacity",
        "text-decoration", "unicode-bidi",
    };

    /// <summary>Defaults of inheritable properties: removable only where nothing above sets the property.</summary>
    public static readonly Dictionary<string, string> InheritableDefaults = new(StringComparer.Ordinal)
    {
        ["fill-opacity"] = "1",
        ["fill-rule"] = "nonzero",
        ["clip-rule"] = "nonzero",
        ["stroke"] = "none",
        ["stroke-width"] = "1",
        ["stroke-opacity"] = "1",
        ["stroke-linecap"] = "butt",
        ["stroke-linejoin"] = "miter",
        ["stroke-miterlimit"] = "4",
        ["stroke-dasharray"] = "none",
        ["stroke-dashoffset"] = "0",
        ["visibility"] = "visible",
        ["font-style"] = "normal",
        ["font-variant"] = "normal",
        ["font-weight"] = "normal",
        ["font-stretch"] = "normal",
        ["text-anchor"] = "start",
        ["direction"] = "ltr",
        ["writing-mode"] = "lr-tb",
        ["letter-spacing"] = "normal",
        ["word-spacing"] = "normal",
        ["color-interpolation-filters"] = "linearRGB",
        ["color-interpolation"] = "sRGB",
        ["shape-rendering"] = "auto",
        ["text-rendering"] = "auto",
        ["image-rendering"] = "auto",
        ["color-rendering"] = "auto",
        ["pointer-events"] = "visiblePainted",
        ["cursor"] = "auto",
        ["paint-order"] = "normal",
    };

    /// <summary>Defaults of non-inheritable properties, removable wherever they appear.</summary>
    public static readonly Dictionary<string, string> NonInheritableDefaults = new(StringComparer.Ordinal)
    {
        ["opacity"] = "1",
        ["stop-opacity"] = "1",
        ["flood-opacity"] = "1",
        ["clip-path"] = "none",
        ["mask"] = "none",
        ["filter"] = "none",
        ["enable-background"] = "accumulate",
        ["baseline-shift"] = "baseline",
        ["text-decoration"] = "none",
        ["unicode-bidi"] = "normal",
        ["alignment-baseline"] = "auto",
        ["mix-blend-mode"] = "normal",
        ["isolation"] = "auto",
    };

    /// <summary>Attributes holding a single number or length that may be rounded as a coordinate.</summary>
    public static readonly HashSet<string> CoordinateAttributes = new(StringComparer.Ordinal)
    {
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "width", "height",
        "stroke-width", "stroke-dashoffset", "refX", "refY", "markerWidth", "markerHeight", "font-size",
        "letter-spacing", "word-spacing", "dx", "dy", "startOffset", "textLength",
    };

    /// <summary>Attributes holding a ratio between 0 and 1.</summary>
    public static readonly HashSet<string> RatioAttributes = new(StringComparer.Ordinal)
    {
        "opacity", "fill-opacity", "stroke-opacity", "stop-opacity", "flood-opacity", "offset",
    };

    /// <summary>Attributes holding a colour.</summary>
    public static readonly HashSet<string> ColorAttributes = new(StringComparer.Ordinal)
    {
        "fill", "stroke", "stop-color", "flood-color", "lighting-color", "color",
    };

    /// <summary>Conditional processing attributes: an empty value changes rendering.</summary>
    public static readonly HashSet<string> Conditional = new(StringComparer.Ordinal)
    {
        "requiredFeatures", "requiredExtensions", "systemLanguage",
    };

    /// <summary>Returns whether character data inside the element matters.</summary>
    public static bool IsTextContent(string localName) => TextContent.Contains(localName);
}
