using MessagePack;

namespace Gfs;

/// <summary>A client's call to the master; <see cref="Operation"/> says which fields matter.</summary>
[MessagePackObject]
public sealed record MasterRequest
{
    /// <summary>The operation.</summary>
    [Key(0)]
    public MasterOperation Operation { get; init; }

    /// <summary>The file or directory.</summary>
    [Key(1)]
    public string Path { get; init; } = "";

    /// <summary>The destination of a rename, snapshot or undelete.</summary>
    [Key(2)]
    public string Target { get; init; } = "";

    /// <summary>Whether a delete removes a non-empty directory.</summary>
    [Key(3)]
    public bool Recursive { get; init; }

    /// <summary>The first chunk index concerned.</summary>
    [Key(4)]
    public int ChunkIndex { get; init; }

    /// <summary>How many chunks to locate from <see cref="ChunkIndex"/> on (reads).</summary>
    [Key(5)]
    public int ChunkCount { get; init; }

    /// <summary>For a write: whether to add the chunk when the file has exactly <see cref="ChunkIndex"/> chunks.</summary>
    [Key(6)]
    public bool CreateChunk { get; init; }

    /// <summary>The chunk of a bad-replica report.</summary>
    [Key(7)]
    public ulong Handle { get; init; }

    /// <summary>The replica of a bad-replica report.</summary>
    [Key(8)]
    public ulong Server { get; init; }

    /// <summary>The calling client, so that a retried namespace change is answered rather than applied twice.</summary>
    [Key(9)]
    public ulong ClientId { get; init; }

    /// <summary>The client's call number (unique per client).</summary>
    [Key(10)]
    public ulong CallId { get; init; }

    /// <summary>
    /// For <see cref="MasterOperation.ChunkForWrite"/> after a failed mutation: a replica of the client's lease (at
    /// <see cref="UnreachableVersion"/>) that did not answer. The master then replaces the lease with one that leaves it out
    /// instead of handing out the same lease until the chunkserver is counted dead.
    /// </summary>
    [Key(11)]
    public ulong Unreachable { get; init; }

    /// <summary>The chunk version of the lease under which <see cref="Unreachable"/> did not answer.</summary>
    [Key(12)]
    public ulong UnreachableVersion { get; init; }
}
