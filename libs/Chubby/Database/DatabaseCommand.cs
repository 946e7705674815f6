using MessagePack;

namespace Chubby;

/// <summary>
/// A change to the cell's database, written to the Raft log by the master. It carries the master's clock
/// (<see cref="TimeMilliseconds"/>) so that every replica computes lease promises and lock-delays alike.
/// </summary>
[MessagePackObject]
internal sealed record DatabaseCommand
{
    [Key(0)]
    public CommandKind Kind { get; init; }

    /// <summary>The proposing master's clock, Unix milliseconds; the database's clock only moves forward.</summary>
    [Key(1)]
    public long TimeMilliseconds { get; init; }

    /// <summary>For <see cref="CommandKind.MasterElected"/>: the master's term, its epoch.</summary>
    [Key(2)]
    public ulong Term { get; init; }

    /// <summary>For <see cref="CommandKind.CreateSession"/>: the client's node id.</summary>
    [Key(3)]
    public ulong Client { get; init; }

    /// <summary>For <see cref="CommandKind.CreateSession"/>: the first lease.</summary>
    [Key(4)]
    public long LeaseMilliseconds { get; init; }

    [Key(5)]
    public ulong SessionId { get; init; }

    [Key(6)]
    public ulong Sequence { get; init; }

    [Key(7)]
    public ulong LowestUnacknowledged { get; init; }

    [Key(8)]
    public string? Path { get; init; }

    /// <summary>The node instance the client's handle is bound to; 0 when creating.</summary>
    [Key(9)]
    public ulong InstanceNumber { get; init; }

    [Key(10)]
    public OpenFlags Flags { get; init; }

    [Key(11)]
    public byte[]? Contents { get; init; }

    [Key(12)]
    public ulong? ExpectedContentGeneration { get; init; }

    [Key(13)]
    public LockMode LockMode { get; init; }

    [Key(14)]
    public long LockDelayMilliseconds { get; init; }

    /// <summary>A sequencer the change is conditional on (set on the client's handle).</summary>
    [Key(15)]
    public Sequencer? Sequencer { get; init; }

    /// <summary>For <see cref="CommandKind.ExpireSessions"/>.</summary>
    [Key(16)]
    public ulong[]? SessionIds { get; init; }

    /// <summary>For <see cref="CommandKind.RenewLeases"/>.</summary>
    [Key(17)]
    public LeaseRecord[]? Renewals { get; init; }

    /// <summary>For <see cref="CommandKind.CreateSession"/>: the principal the client asserts.</summary>
    [Key(18)]
    public string? Principal { get; init; }

    /// <summary>For <see cref="CommandKind.SetAcl"/>: the new names; for <see cref="CommandKind.Create"/>: names instead of the parent's, or null to inherit.</summary>
    [Key(19)]
    public AclNames? Acl { get; init; }
}
