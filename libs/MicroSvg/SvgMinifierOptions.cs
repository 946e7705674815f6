namespace MicroSvg;

/// <summary>
/// Options for <see cref="SvgMinifier"/>: parser limits, numeric precision and what to keep.
/// </summary>
/// <remarks>
/// Every property is validated when it is set, so an invalid value fails at construction with
/// the property named in the exception. Instances are immutable and safe to share across threads.
/// </remarks>
public sealed class SvgMinifierOptions
{
    /// <summary>Default for <see cref="MaxInputChars"/>: 16 Mi characters.</summary>
    public const int DefaultMaxInputChars = 16 * 1024 * 1024;

    /// <summary>Default for <see cref="MaxDepth"/>.</summary>
    public const int DefaultMaxDepth = 256;

    /// <summary>Default for <see cref="MaxAttributesPerElement"/>.</summary>
    public const int DefaultMaxAttributesPerElement = 512;

    /// <summary>Default for <see cref="MaxNodes"/>.</summary>
    public const int DefaultMaxNodes = 1_000_000;

    /// <summary>Default for <see cref="MaxPassIterations"/>.</summary>
    public const int DefaultMaxPassIterations = 8;

    /// <summary>The largest accepted <see cref="Precision"/>.</summary>
    public const int MaxPrecision = 12;

    private readonly int maxInputChars = DefaultMaxInputChars;
    private readonly int maxDepth = DefaultMaxDepth;
    private readonly int maxAttributesPerElement = DefaultMaxAttributesPerElement;
    private readonly int maxNodes = DefaultMaxNodes;
    private readonly int maxPassIterations = DefaultMaxPassIterations;
    private readonly int? precision;
    private readonly IReadOnlyCollection<string> disabledPasses = [];

    /// <summary>Gets the shared instance with every default.</summary>
    public static SvgMinifierOptions Default { get; } = new();

    /// <summary>Gets the largest input accepted, in UTF-16 characters; larger input is refused before parsing.</summary>
    public int MaxInputChars
    {
        get => this.maxInputChars;
        init => this.maxInputChars = RequireRange(value, 1, int.MaxValue, nameof(this.MaxInputChars));
    }

    /// <summary>Gets the deepest element nesting accepted; deeper input is refused with a parse error.</summary>
    public int MaxDepth
    {
        get => this.maxDepth;
        init => this.maxDepth = RequireRange(value, 1, 100_000, nameof(this.MaxDepth));
    }

    /// <summary>Gets the most attributes accepted on one element.</summary>
    public int MaxAttributesPerElement
    {
        get => this.maxAttributesPerElement;
        init => this.maxAttributesPerElement = RequireRange(value, 1, int.MaxValue, nameof(this.MaxAttributesPerElement));
    }

    /// <summary>Gets the most nodes (elements, text, comments) accepted in one document.</summary>
    public int MaxNodes
    {
        get => this.maxNodes;
        init => this.maxNodes = RequireRange(value, 1, int.MaxValue, nameof(this.MaxNodes));
    }

    /// <summary>
    /// Gets the number of decimal places kept in coordinates, or <see langword="null"/> (the default) to
    /// choose them per element from the viewBox size and the transforms in effect, so that rounding
    /// stays far below a pixel at any common rendering size.
    /// </summary>
    public int? Precision
    {
        get => this.precision;
        init => this.precision = value is null ? null : RequireRange(value.Value, 0, MaxPrecision, nameof(this.Precision));
    }

    /// <summary>Gets a value indicating whether the passes run again until the output stops shrinking. Default <see langword="true"/>.</summary>
    public bool Multipass { get; init; } = true;

    /// <summary>Gets the most iterations of the pass list when <see cref="Multipass"/> is on.</summary>
    public int MaxPassIterations
    {
        get => this.maxPassIterations;
        init => this.maxPassIterations = RequireRange(value, 1, 100, nameof(this.MaxPassIterations));
    }

    /// <summary>Gets a value indicating whether ids are kept exactly as written (no shortening, no removal of unused ones).</summary>
    public bool KeepIds { get; init; }

    /// <summary>Gets a value indicating whether <c>title</c> elements are kept for accessibility.</summary>
    public bool KeepTitles { get; init; }

    /// <summary>
    /// Gets a value indicating whether the <c>viewBox</c> is always kept. Default <see langword="true"/>; when
    /// <see langword="false"/>, a viewBox equal to <c>0 0 width height</c> is removed, which keeps the
    /// rendering at the intrinsic size but stops the image from scaling when embedded with another size.
    /// </summary>
    public bool KeepViewBox { get; init; } = true;

    /// <summary>
    /// Gets a value indicating whether <c>xlink:href</c> is kept for renderers that only read SVG 1.1.
    /// Default <see langword="false"/>: links are written as the SVG 2 <c>href</c>, which current
    /// browsers and renderers read identically.
    /// </summary>
    public bool KeepXlink { get; init; }

    /// <summary>Gets a value indicating whether <c>script</c> elements and event attributes are removed instead of kept untouched.</summary>
    public bool RemoveScripts { get; init; }

    /// <summary>Gets a value indicating whether <c>foreignObject</c> elements are removed instead of kept untouched.</summary>
    public bool RemoveForeignObjects { get; init; }

    /// <summary>Gets a value indicating whether the output is indented for reading instead of compact.</summary>
    public bool Pretty { get; init; }

    /// <summary>Gets the names of passes not to run (see <see cref="SvgMinifier.DefaultPasses"/>).</summary>
    public IReadOnlyCollection<string> DisabledPasses
    {
        get => this.disabledPasses;
        init
        {
            ArgumentNullException.ThrowIfNull(value, nameof(this.DisabledPasses));
            foreach (var name in value)
            {
                if (!SvgMinifier.IsKnownPass(name))
                {
                    throw new ArgumentException($"Unknown pass '{name}'. Known passes: {string.Join(", ", SvgMinifier.DefaultPasses.Select(p => p.Name))}.", nameof(this.DisabledPasses));
                }
            }

            this.disabledPasses = value;
        }
    }

    private static int RequireRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");
        }

        return value;
    }
}
