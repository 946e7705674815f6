namespace MicroSvg.Css;

/// <summary>One <c>property: value</c> pair of a declaration block.</summary>
internal sealed record CssDeclaration(string Property, string Value, bool Important);
