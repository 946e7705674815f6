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

    /// <summary>
    /// Whether <see cref="Version"/> was bumped for a lease that has not been granted yet (set by a bump, cleared when the lease
    /// is confirmed in the log just before the grant). No mutation has happened at such a version, so a replica one version
    /// behind holds the same data and is raised to it rather than deleted as stale: a master that failed between the bump and
    /// telling the replicas would otherwise leave every replica "stale" and the chunk lost.
    /// </summary>
    [Key(3)]
    public bool GrantPending { get; set; }
}
