namespace Haystack;

/// <summary>Where a logical volume is in its life (drawn in DESIGN.md).</summary>
public enum LogicalVolumeState
{
    /// <summary>Chosen by the Directory; its Stores have not all reported the physical volume yet. Takes no uploads.</summary>
    Allocating = 0,

    /// <summary>Every replica exists and is healthy and the volume has room: it takes uploads.</summary>
    Writable = 1,

    /// <summary>Full, or a replica failed: it serves reads and deletes but takes no uploads (until a repair makes it whole again, when it was not full).</summary>
    ReadOnly = 2,

    /// <summary>
    /// A replica failed and has been repaired, and the volume has room: its Stores are learning its new epoch (which refuses
    /// every write assigned before) and it takes uploads once all of them report it. Serves reads and deletes meanwhile.
    /// </summary>
    Reopening = 3,
}
