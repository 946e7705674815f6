namespace Chubby;

/// <summary>An event delivered to a <see cref="ChubbyClient"/>: a change to a subscribed node, or a change of the session's state.</summary>
public sealed class ChubbyEventArgs : EventArgs
{
    /// <summary>Creates the event.</summary>
    public ChubbyEventArgs(ChubbyEventKind kind, string? path)
    {
        Kind = kind;
        Path = path;
    }

    /// <summary>What happened.</summary>
    public ChubbyEventKind Kind { get; }

    /// <summary>The node it happened to (for child events, the child); null for session events.</summary>
    public string? Path { get; }

    /// <inheritdoc />
    public override string ToString() => Path is null ? Kind.ToString() : $"{Kind} {Path}";
}
