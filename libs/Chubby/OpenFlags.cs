namespace Chubby;

/// <summary>How <see cref="ChubbyClient.OpenAsync"/> treats the node.</summary>
[Flags]
public enum OpenFlags : byte
{
    /// <summary>Open an existing node.</summary>
    None = 0,

    /// <summary>Create the node when it does not exist (its parent must).</summary>
    Create = 1,

    /// <summary>With <see cref="Create"/>: fail with <see cref="ChubbyErrorCode.AlreadyExists"/> when the node exists.</summary>
    Exclusive = 2,

    /// <summary>With <see cref="Create"/>: create a directory instead of a file.</summary>
    Directory = 4,

    /// <summary>With <see cref="Create"/>: create an ephemeral file, deleted when this session ends.</summary>
    Ephemeral = 8,
}
