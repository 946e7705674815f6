using MessagePack;

namespace Chubby;

/// <summary>The result of a <see cref="DatabaseCommand"/> or a <see cref="DatabaseQuery"/>.</summary>
[MessagePackObject]
internal sealed record DatabaseResult
{
    public static readonly DatabaseResult Ok = new();

    [Key(0)]
    public ChubbyErrorCode Status { get; init; }

    [Key(1)]
    public string? Message { get; init; }

    [Key(2)]
    public NodeStat? Stat { get; init; }

    [Key(3)]
    public byte[]? Contents { get; init; }

    [Key(4)]
    public string[]? Children { get; init; }

    [Key(5)]
    public ulong SessionId { get; init; }

    [Key(6)]
    public long PromisedUntilMilliseconds { get; init; }

    /// <summary>For <see cref="ChubbyErrorCode.LockDelay"/>: when the lock becomes available.</summary>
    [Key(7)]
    public long LockDelayUntilMilliseconds { get; init; }

    /// <summary>For <see cref="ChubbyErrorCode.LockBusy"/>: the sessions holding the lock.</summary>
    [Key(8)]
    public ulong[]? Holders { get; init; }

    [Key(9)]
    public NodeChange[]? Changes { get; init; }

    /// <summary>For <see cref="CommandKind.MasterElected"/>: every session with its promised lease end.</summary>
    [Key(10)]
    public LeaseRecord[]? Sessions { get; init; }

    [Key(11)]
    public bool Valid { get; init; }

    /// <summary>For <see cref="QueryKind.Footprint"/>.</summary>
    [Key(12)]
    public string[]? Paths { get; init; }

    /// <summary>For <see cref="QueryKind.Node"/>: whether the session may read the node, so that its client may cache the answer.</summary>
    [Key(13)]
    public bool Readable { get; init; }

    public static DatabaseResult Error(ChubbyErrorCode status, string message) => new() { Status = status, Message = message };
}
