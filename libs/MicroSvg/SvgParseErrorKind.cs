namespace MicroSvg;

/// <summary>Why an input was refused by the parser.</summary>
public enum SvgParseErrorKind
{
    /// <summary>The input is not well-formed XML.</summary>
    Malformed,

    /// <summary>The input declares a DTD internal subset or uses an entity other than the predefined ones.</summary>
    DtdRefused,

    /// <summary>The input exceeds a limit set in <see cref="SvgMinifierOptions"/>.</summary>
    LimitExceeded,
}
