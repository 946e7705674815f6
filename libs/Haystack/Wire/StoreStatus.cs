namespace Haystack;

/// <summary>How a Store (or a Cache in front of it) answered a request.</summary>
public enum StoreStatus
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>No live needle has that key and alternate key.</summary>
    NotFound = 1,

    /// <summary>The needle exists but the cookie does not match; no bytes were returned.</summary>
    CookieMismatch = 2,

    /// <summary>The needle failed its checks; no bytes were returned, and the Directory was told.</summary>
    Corrupt = 3,

    /// <summary>The Store holds no volume with that id.</summary>
    UnknownVolume = 4,

    /// <summary>The volume is full or read-only and takes no writes.</summary>
    ReadOnly = 5,

    /// <summary>The data is larger than the Store accepts.</summary>
    TooLarge = 6,

    /// <summary>Another error; <c>Message</c> says which.</summary>
    Failed = 7,

    /// <summary>This replica is being repaired and serves no reads until it has caught up; read another replica.</summary>
    Unavailable = 8,

    /// <summary>The write carries another volume epoch than the Store knows (assigned before the volume was reopened); ask the Directory again.</summary>
    StaleEpoch = 9,

    /// <summary>
    /// The Directory has the volume on this Store's read-only list (as last heard): the upload's assignment is out of date
    /// or this Store has not yet heard that the volume was reopened; ask the Directory again. Not a failure of the replica.
    /// </summary>
    NotWritable = 10,
}
