namespace Gfs;

/// <summary>What a <see cref="MasterRequest"/> asks of the master.</summary>
public enum MasterOperation : byte
{
    /// <summary>Not an operation.</summary>
    None = 0,

    /// <summary>Create an empty file.</summary>
    CreateFile = 1,

    /// <summary>Create a directory and any missing ancestors.</summary>
    CreateDirectory = 2,

    /// <summary>Delete a file or directory (hidden until garbage collection).</summary>
    Delete = 3,

    /// <summary>Rename a file or directory.</summary>
    Rename = 4,

    /// <summary>Snapshot a file or directory to a new path (copy-on-write chunks).</summary>
    Snapshot = 5,

    /// <summary>List a directory's children.</summary>
    List = 6,

    /// <summary>Describe a file or directory.</summary>
    Stat = 7,

    /// <summary>Locate chunks of a file for reading.</summary>
    FindChunks = 8,

    /// <summary>Locate (or add) one chunk for a mutation, with its primary and lease.</summary>
    ChunkForWrite = 9,

    /// <summary>Report a replica that failed a read (corrupt or stale).</summary>
    ReportBadReplica = 10,

    /// <summary>Restore a deleted file or directory from the trash (to <see cref="MasterRequest.Target"/> when it is not empty).</summary>
    Undelete = 11,

    /// <summary>List the paths in the trash.</summary>
    ListTrash = 12,
}
