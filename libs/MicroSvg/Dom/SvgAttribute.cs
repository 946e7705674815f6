namespace MicroSvg.Dom;

/// <summary>An attribute with its qualified name and decoded value.</summary>
internal sealed class SvgAttribute(string name, string value)
{
    /// <summary>Gets or sets the qualified name (for example <c>xlink:href</c>).</summary>
    public string Name { get; set; } = name;

    /// <summary>Gets or sets the decoded value.</summary>
    public string Value { get; set; } = value;

    /// <summary>
    /// Gets or sets the value a pure rewrite last produced or confirmed, with a key for the settings it
    /// used, so that later iterations skip work whose result is already known.
    /// </summary>
    public (string Value, int Settings)? Memo { get; set; }

    /// <summary>Gets or sets the shape fingerprint of path data last computed, with the value and decimals it was computed for.</summary>
    public (string Value, int Decimals, long? Fingerprint)? ShapeMemo { get; set; }

    /// <summary>Gets the prefix before the colon, or an empty string.</summary>
    public string Prefix
    {
        get
        {
            var colon = this.Name.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? string.Empty : this.Name[..colon];
        }
    }
}
