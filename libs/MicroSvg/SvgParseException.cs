namespace MicroSvg;

/// <summary>
/// Thrown when an input cannot be minified because it is malformed, declares a DTD or entities,
/// or exceeds a configured limit. Carries the 1-based line and column of the problem.
/// </summary>
public sealed class SvgParseException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="SvgParseException"/> class.</summary>
    /// <param name="reason">What is wrong, without the position.</param>
    /// <param name="kind">The category of the problem.</param>
    /// <param name="line">The 1-based line of the problem.</param>
    /// <param name="column">The 1-based column of the problem.</param>
    public SvgParseException(string reason, SvgParseErrorKind kind, int line, int column)
        : base($"{reason} (line {line}, column {column})")
    {
        this.Reason = reason;
        this.Kind = kind;
        this.Line = line;
        this.Column = column;
    }

    /// <summary>Gets what is wrong, without the position.</summary>
    public string Reason { get; }

    /// <summary>Gets the category of the problem.</summary>
    public SvgParseErrorKind Kind { get; }

    /// <summary>Gets the 1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>Gets the 1-based column of the problem, counted in UTF-16 characters.</summary>
    public int Column { get; }
}
