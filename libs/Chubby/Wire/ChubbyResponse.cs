using Cluster.Core;
using MessagePack;

namespace Chubby;

/// <summary>The master's answer to a <see cref="ChubbyRequest"/>.</summary>
[MessagePackObject]
public sealed record ChubbyResponse
{
    /// <summary>The outcome.</summary>
    [Key(0)]
    public ChubbyErrorCode Status { get; init; }

    /// <summary>What went wrong, in words.</summary>
    [Key(1)]
    public string? Message { get; init; }

    /// <summary>For <see cref="ChubbyErrorCode.NotMaster"/>: the master as far as the replica knows, or <see cref="NodeId.None"/>.</summary>
    [Key(2)]
    public NodeId MasterHint { get; init; }

    /// <summary>The node's metadata.</summary>
    [Key(3)]
    public NodeStat? Stat { get; init; }

    /// <summary>The file's contents.</summary>
    [Key(4)]
    public ReadOnlyMemory<byte> Contents { get; init; }

    /// <summary>A directory's children (names, in ordinal order).</summary>
    [Key(5)]
    public IReadOnlyList<string>? Children { get; init; }

    /// <summary>Whether the client may cache the answer: the master will invalidate it before the node changes.</summary>
    [Key(6)]
    public bool Cacheable { get; init; }

    /// <summary>For <see cref="ChubbyOperation.CreateSession"/>: the new session.</summary>
    [Key(7)]
    public ulong SessionId { get; init; }

    /// <summary>For <see cref="ChubbyOperation.CreateSession"/>: how long the lease lasts from the answer.</summary>
    [Key(8)]
    public long LeaseRemainingMilliseconds { get; init; }

    /// <summary>The master's epoch (its Raft term).</summary>
    [Key(9)]
    public ulong MasterEpoch { get; init; }

    /// <summary>For <see cref="ChubbyOperation.CheckSequencer"/>: whether the sequencer is current.</summary>
    [Key(10)]
    public bool SequencerValid { get; init; }
}
