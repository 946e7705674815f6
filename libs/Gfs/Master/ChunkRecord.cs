using MessagePack;

namespace Gfs;

/// <summary>What the master persists about a chunk: its version and how many files (after snapshots) share it.</summary>
[MessagePackObject]
internal sealed class ChunkRecord
{
    [Key(0)]
    public ulong Handle { get; set; }

    /// <summary>Bumped with every new lease, so a replica that missed mutations while down is recognised as stale.</summary>
    [Key(1)]
    public ulong Version { get; set; }

    /// <summary>Files (live or in the trash) whose chunk lists name it; above one it is shared by a snapshot and copied on write.</summary>
    [Key(2)]
    public int References { get; set; }
}
