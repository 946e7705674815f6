namespace Gfs;

/// <summary>Why a GFS call failed.</summary>
public enum GfsErrorCode
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The path is malformed (see <see cref="GfsPath"/>).</summary>
    InvalidPath = 1,

    /// <summary>No file or directory has that path.</summary>
    NotFound = 2,

    /// <summary>A file or directory already has that path.</summary>
    AlreadyExists = 3,

    /// <summary>A file was named where a directory is needed (for example as a parent).</summary>
    NotADirectory = 4,

    /// <summary>A directory was named where a file is needed.</summary>
    IsADirectory = 5,

    /// <summary>The directory has children and the call was not recursive.</summary>
    DirectoryNotEmpty = 6,

    /// <summary>An argument is out of range (negative offset, record larger than a quarter chunk, and so on).</summary>
    InvalidArgument = 7,

    /// <summary>The chunk version the caller quoted is not the current one: the replica or the caller's lease is stale.</summary>
    StaleVersion = 8,

    /// <summary>The chunkserver holds no valid lease for the chunk (it is not the primary, or its lease ran out).</summary>
    NotPrimary = 9,

    /// <summary>A record append found the chunk too full; the chunk was padded and the append must go to the next chunk.</summary>
    ChunkFull = 10,

    /// <summary>The chunk's data failed its checksum on this replica; read another replica.</summary>
    Corrupt = 11,

    /// <summary>The pushed data the mutation names is not (or no longer) in the chunkserver's buffer; push it again.</summary>
    DataNotFound = 12,

    /// <summary>A replica did not apply the mutation; the region may be inconsistent and the client should retry.</summary>
    ReplicaFailed = 13,

    /// <summary>The chunk is unknown to the chunkserver or to the master.</summary>
    ChunkNotFound = 14,

    /// <summary>No live chunkserver can hold the chunk, or none holds a current replica.</summary>
    Unavailable = 15,

    /// <summary>The master is not the leader of its group (the response names the leader when known).</summary>
    NotLeader = 16,

    /// <summary>The master is still learning chunk locations or waiting out old leases after taking over; retry shortly.</summary>
    NotReady = 17,

    /// <summary>
    /// The command came from a master whose epoch is older than one the chunkserver has already seen: a deposed master (its
    /// Chubby lock or its Raft leadership has passed to another master node). Refused.
    /// </summary>
    StaleMaster = 18,
}
