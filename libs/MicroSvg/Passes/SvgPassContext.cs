using MicroSvg.Css;
using MicroSvg.Dom;
using MicroSvg.Geometry;

namespace MicroSvg.Passes;

/// <summary>What a pass sees: the document, the options, its statistics and shared analysis.</summary>
internal sealed class SvgPassContext
{
    /// <summary>
    /// log10 of the image size divided by the largest rounding step: 6.6 keeps steps under 1/4000000 of
    /// the image (6 decimals for a 24-unit icon, 4 for a 500-unit drawing). Rasterizers sample edges on
    /// sub-pixel grids, so even a thousandth of a pixel flips some anti-aliased edge pixels.
    /// </summary>
    /// <remarks>
    /// Tuned on the render corpus: Skia subdivides curves by thresholds on their control points, so a
    /// change of a single float step can redraw a whole curve; lower values save bytes on icons but
    /// change a few percent of the files by more than the render bar allows.
    /// </remarks>
    private const double PrecisionBias = 6.6;

    /// <summary>
    /// Fraction of the image size by which a circular arc may bulge differently after its radius is
    /// shortened: 1/250000, a thousandth of a pixel at 256 pixels. Edges that long move by less than the
    /// rasterizer's own rounding, so anti-aliased pixels keep their values.
    /// </summary>
    /// <remarks>Tuned on the render corpus: ten times as much moves whole long arcs by enough to change edge pixels.</remarks>
    private const double ArcToleranceFraction = 4e-6;

    /// <summary>User-space scales by element, made on first use: most passes never ask, and every pass of every iteration has a context.</summary>
    private Dictionary<SvgElement, (double Scale, int Extra)>? spaces;
    private double? viewBoxSize;

    public SvgPassContext(SvgDocument document, SvgMinifierOptions options, SvgPassStatistics statistics, SvgPassContext? facts = null)
    {
        this.Document = document;
        this.Options = options;
        this.Statistics = statistics;
        if (facts is not null)
        {
            // Facts only turn from true to false as passes remove content, so reusing them within one
            // iteration of the pass list stays conservative.
            (this.HasStyleSheet, this.HasScript, this.HasAnimation, this.HasMarkers) = (facts.HasStyleSheet, facts.HasScript, facts.HasAnimation, facts.HasMarkers);
            this.viewBoxSize = facts.viewBoxSize;
            return;
        }

        foreach (var element in document.Root.DescendantsAndSelf())
        {
            var name = element.LocalName;
            this.HasStyleSheet |= name == "style";
            this.HasScript |= name == "script";
            this.HasAnimation |= SvgNames.Animation.Contains(name);
            foreach (var attribute in element.Attributes)
            {
                this.HasScript |= attribute.Name.StartsWith("on", StringComparison.Ordinal) && attribute.Name.Length > 2;
                this.HasMarkers |= attribute.Name.StartsWith("marker", StringComparison.Ordinal)
                    || (attribute.Name == "style" && attribute.Value.Contains("marker", StringComparison.OrdinalIgnoreCase));
            }
        }

        this.HasMarkers |= this.HasStyleSheet;
    }

    public SvgDocument Document { get; }

    public SvgMinifierOptions Options { get; }

    public SvgPassStatistics Statistics { get; }

    /// <summary>Gets a value indicating whether a <c>style</c> element exists (selectors may match anything).</summary>
    public bool HasStyleSheet { get; }

    /// <summary>Gets a value indicating whether scripts or event attributes exist.</summary>
    public bool HasScript { get; }

    /// <summary>Gets a value indicating whether SMIL animation elements exist.</summary>
    public bool HasAnimation { get; }

    /// <summary>Gets a value indicating whether markers may apply anywhere.</summary>
    public bool HasMarkers { get; }

    /// <summary>Gets a value indicating whether structure and cascade must be left alone.</summary>
    public bool IsDynamic => this.HasStyleSheet || this.HasScript || this.HasAnimation;

    public void CountRemovedNode(int count = 1) => this.Statistics.NodesRemoved += count;

    public void CountRemovedAttribute(int count = 1) => this.Statistics.AttributesRemoved += count;

    public void CountRewritten(int count = 1) => this.Statistics.ValuesRewritten += count;

    /// <summary>Detaches an element, counting it.</summary>
    public void RemoveElement(SvgElement element)
    {
        element.Detach();
        this.CountRemovedNode();
    }

    /// <summary>Sets an attribute value, counting it when it changes.</summary>
    public void Rewrite(SvgAttribute attribute, string value)
    {
        if (attribute.Value != value)
        {
            attribute.Value = value;
            this.CountRewritten();
        }
    }

    /// <summary>Removes an attribute by name, counting it.</summary>
    public bool RemoveAttribute(SvgElement element, string name)
    {
        if (element.Remove(name))
        {
            this.CountRemovedAttribute();
            return true;
        }

        return false;
    }

    /// <summary>Returns a property value from the style attribute or the presentation attribute (style wins).</summary>
    public static string? GetProperty(SvgElement element, string property)
    {
        var style = element.Get("style");
        if (style is not null && style.Contains(property, StringComparison.Ordinal))
        {
            var declarations = CssText.ParseDeclarations(style);
            if (declarations is null)
            {
                return "?";
            }

            for (var i = declarations.Count - 1; i >= 0; i--)
            {
                if (declarations[i].Property == property)
                {
                    return declarations[i].Value;
                }
            }
        }

        return element.Get(property);
    }

    /// <summary>
    /// Returns the inherited value of a property at the element, or null when nothing sets it; returns
    /// "?" when the context is unknown (inside referenced content, where the user of the element decides).
    /// </summary>
    public static string? GetInherited(SvgElement element, string property)
    {
        for (var e = element; e is not null; e = e.Parent)
        {
            var value = GetProperty(e, property);
            if (value is not null && value != "inherit")
            {
                return value;
            }

            if (e != element && SvgNames.NonRendering.Contains(e.Name))
            {
                return "?";
            }
        }

        return null;
    }

    /// <summary>Returns whether the element or an ancestor has an id, so a <c>use</c> may render it with other inherited values.</summary>
    public static bool MayBeReused(SvgElement element)
    {
        for (var e = element; e is not null; e = e.Parent)
        {
            if (e.Has("id") || SvgNames.NonRendering.Contains(e.Name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Returns whether the element may be stroked; true whenever that cannot be proven otherwise.</summary>
    public bool MayStroke(SvgElement element)
    {
        if (this.HasStyleSheet || this.HasAnimation)
        {
            return true;
        }

        var own = GetProperty(element, "stroke");
        if (own == "none")
        {
            return false;
        }

        if (own is null && MayBeReused(element))
        {
            return true;
        }

        var stroke = GetInherited(element, "stroke");
        return stroke is not null && stroke != "none";
    }

    /// <summary>Gets the larger dimension of the root viewBox (or width/height), the unit of precision.</summary>
    public double ViewBoxSize => this.viewBoxSize ??= ComputeViewBoxSize(this.Document.Root);

    /// <summary>
    /// Returns the decimals that keep rounding error in the element's coordinates (its own user space
    /// when <paramref name="includeOwnTransform"/>, else its parent's) below about 1/20000 of the
    /// image size, so no common rendering size shows a difference.
    /// </summary>
    public int CoordinateDecimals(SvgElement element, bool includeOwnTransform = true)
    {
        if (this.Options.Precision is { } fixedPrecision)
        {
            return fixedPrecision;
        }

        var (scale, extra) = this.SpaceOf(includeOwnTransform ? element : element.Parent);
        var d = (int)Math.Ceiling(Math.Log10(scale / this.ViewBoxSize) + PrecisionBias) + extra;
        return Math.Clamp(d, 0, SvgMinifierOptions.MaxPrecision);
    }

    /// <summary>
    /// Returns how far (in the element's user units) a circular arc may move when its radius is written
    /// shorter: <see cref="ArcToleranceFraction"/> of the image, or 0 where the element's scale is unknown.
    /// </summary>
    public double ArcTolerance(SvgElement element)
    {
        var (scale, extra) = this.SpaceOf(element);
        return extra > 0 ? 0 : this.ViewBoxSize / scale * ArcToleranceFraction;
    }

    /// <summary>Returns how much the element's user space is scaled relative to the root viewBox.</summary>
    public double ScaleOf(SvgElement element) => this.SpaceOf(element).Scale;

    private (double Scale, int Extra) SpaceOf(SvgElement? element)
    {
        if (element is null)
        {
            return (1.0, 0);
        }

        // Leaves (most elements) are not cached: hashing every element costs more than its own step.
        if (element.Children.Count == 0)
        {
            return Step(this.SpaceOf(element.Parent), element);
        }

        var spaces = this.spaces ??= new(ReferenceEqualityComparer.Instance);
        if (spaces.TryGetValue(element, out var cached))
        {
            return cached;
        }

        // Iterative so that deep documents cannot overflow the stack.
        var chain = new List<SvgElement>();
        var space = (Scale: 1.0, Extra: 0);
        for (var e = element; e is not null; e = e.Parent)
        {
            if (spaces.TryGetValue(e, out var known))
            {
                space = known;
                break;
            }

            chain.Add(e);
        }

        for (var i = chain.Count - 1; i >= 0; i--)
        {
            space = Step(space, chain[i]);
            spaces[chain[i]] = space;
        }

        return space;
    }

    /// <summary>Returns the space inside <paramref name="e"/> given the space of its parent.</summary>
    private static (double Scale, int Extra) Step((double Scale, int Extra) space, SvgElement e)
    {
        var transform = e.Get("transform");
        if (transform is not null)
        {
            if (TransformList.TryParse(transform, out var m) && m.MaxScale > 0 && double.IsFinite(m.MaxScale))
            {
                space.Scale *= m.MaxScale;
            }
            else
            {
                space.Extra += 3;
            }
        }

        // Content of referenced or nested viewports is drawn at a scale decided elsewhere.
        if (e.Parent is not null && e.Name != "defs" && (SvgNames.NonRendering.Contains(e.Name) || e.Name is "svg" or "use" or "image"))
        {
            space.Extra += 2;
        }

        return space;
    }

    private static double ComputeViewBoxSize(SvgElement root)
    {
        var viewBox = root.Get("viewBox");
        if (viewBox is not null)
        {
            var numbers = NumberList.Parse(viewBox);
            if (numbers is { Count: 4 } && numbers[2] > 0 && numbers[3] > 0)
            {
                return Math.Max(numbers[2], numbers[3]);
            }
        }

        var width = NumberList.ParseLength(root.Get("width"));
        var height = NumberList.ParseLength(root.Get("height"));
        var size = Math.Max(width ?? 0, height ?? 0);
        return size > 0 ? size : 100;
    }
}
