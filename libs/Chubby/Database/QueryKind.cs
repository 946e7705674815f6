namespace Chubby;

/// <summary>The kinds of <see cref="DatabaseQuery"/>.</summary>
internal enum QueryKind : byte
{
    /// <summary>A node's metadata, and its contents when asked.</summary>
    Node = 1,

    /// <summary>A directory's children.</summary>
    Children = 2,

    /// <summary>Whether a sequencer is current.</summary>
    CheckSequencer = 3,

    /// <summary>The nodes whose cached state a session's end changes: its ephemeral files and their parents.</summary>
    Footprint = 4,
}
