namespace Haystack;

/// <summary>Where a logical volume is in its life (drawn in DESIGN.md).</summary>
public enum LogicalVolumeState
{
    /// <summary>Chosen by the Directory; its Stores have not all reported the physical volume yet. Takes no uploads.</summary>
    Allocating = 0,

    /// <summary>Every replica exists and is healthy and the volume has room: it takes uploads.</summary>
    Writable = 1,

    /// <summary>Full, or a replica failed: it serves reads and deletes but takes no uploads, ever again.</summary>
    ReadOnly = 2,
}
