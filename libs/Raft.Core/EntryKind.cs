namespace Raft.Core;

/// <summary>What a log entry carries.</summary>
public enum EntryKind
{
    /// <summary>A command for the application's state machine.</summary>
    Normal = 0,

    /// <summary>A membership change, encoded as a <see cref="ConfigChange"/>; the core applies it when the host advances past it.</summary>
    ConfigChange = 1,

    /// <summary>An empty entry a new leader appends so it can commit entries of earlier terms (Raft §5.4.2, §8).</summary>
    NoOp = 2,
}
