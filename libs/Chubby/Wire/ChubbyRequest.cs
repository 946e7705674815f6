using MessagePack;

namespace Chubby;

/// <summary>A call from a <see cref="ChubbyClient"/> to the master.</summary>
[MessagePackObject]
public sealed record ChubbyRequest
{
    /// <summary>What is asked.</summary>
    [Key(0)]
    public ChubbyOperation Operation { get; init; }

    /// <summary>The session (0 for <see cref="ChubbyOperation.CreateSession"/>).</summary>
    [Key(1)]
    public ulong SessionId { get; init; }

    /// <summary>The call's number within the session, from 1; a retry reuses it, so a change is applied once.</summary>
    [Key(2)]
    public ulong Sequence { get; init; }

    /// <summary>Every call of the session numbered below this has been answered, so the cell may forget those answers.</summary>
    [Key(3)]
    public ulong LowestUnacknowledged { get; init; }

    /// <summary>The node, for <see cref="ChubbyOperation.Open"/>.</summary>
    [Key(4)]
    public string? Path { get; init; }

    /// <summary>The handle the call is made on.</summary>
    [Key(5)]
    public HandleDescriptor? Handle { get; init; }

    /// <summary>For <see cref="ChubbyOperation.Open"/>.</summary>
    [Key(6)]
    public OpenFlags Flags { get; init; }

    /// <summary>For <see cref="ChubbyOperation.SetContents"/> and a creating <see cref="ChubbyOperation.Open"/>.</summary>
    [Key(7)]
    public ReadOnlyMemory<byte> Contents { get; init; }

    /// <summary>For <see cref="ChubbyOperation.SetContents"/>: write only if the content generation is this one.</summary>
    [Key(8)]
    public ulong? ExpectedContentGeneration { get; init; }

    /// <summary>For <see cref="ChubbyOperation.Acquire"/>.</summary>
    [Key(9)]
    public LockMode LockMode { get; init; }

    /// <summary>For <see cref="ChubbyOperation.Acquire"/>: how long the master may wait for the lock before answering busy (0: try once).</summary>
    [Key(10)]
    public long WaitMilliseconds { get; init; }

    /// <summary>For <see cref="ChubbyOperation.Acquire"/>: the lock-delay to apply if this session vanishes while holding the lock.</summary>
    [Key(11)]
    public long LockDelayMilliseconds { get; init; }

    /// <summary>A sequencer the call must be checked against (set on the handle, or the one asked about).</summary>
    [Key(12)]
    public Sequencer? Sequencer { get; init; }

    /// <summary>For <see cref="ChubbyOperation.Open"/>: the events the handle subscribes to.</summary>
    [Key(13)]
    public EventMask Events { get; init; }

    /// <summary>
    /// For <see cref="ChubbyOperation.CreateSession"/>: the principal the session acts for (<see cref="ChubbyPrincipal.Anonymous"/>
    /// when null). Asserted by the client; see <see cref="ChubbyPrincipal"/> for what authenticates it.
    /// </summary>
    [Key(14)]
    public string? Principal { get; init; }

    /// <summary>
    /// For <see cref="ChubbyOperation.SetAcl"/>: the new ACL names. For a creating <see cref="ChubbyOperation.Open"/>: the new node's
    /// names, or null to inherit the parent's.
    /// </summary>
    [Key(15)]
    public AclNames? Acl { get; init; }
}
