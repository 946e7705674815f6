namespace Gfs;

/// <summary>What the master asks of a chunkserver in a <see cref="ChunkCommand"/>.</summary>
public enum ChunkCommandKind : byte
{
    /// <summary>Not a command.</summary>
    None = 0,

    /// <summary>Create an empty replica at the given version.</summary>
    Create = 1,

    /// <summary>Raise a replica's version (before a new lease).</summary>
    SetVersion = 2,

    /// <summary>Become primary: hold the lease on the chunk at the version for the lease duration.</summary>
    GrantLease = 3,

    /// <summary>Stop acting as primary for the chunk.</summary>
    RevokeLease = 4,

    /// <summary>Copy a replica from another chunkserver (re-replication).</summary>
    CloneFrom = 5,

    /// <summary>Copy a local replica to a new handle (copy-on-write after a snapshot).</summary>
    CopyLocal = 6,
}
