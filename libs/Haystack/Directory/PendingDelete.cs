using MessagePack;

namespace Haystack;

/// <summary>
/// A delete that reached the live replicas of a volume but not this one (its Store was down or did not answer). The
/// Directory keeps it in its replicated state and hands it to the Store in heartbeat answers until the Store confirms it.
/// </summary>
[MessagePackObject]
public sealed record PendingDelete
{
    /// <summary>The Directory's number for it, which the Store quotes to confirm it.</summary>
    [Key(0)]
    public ulong Id { get; init; }

    /// <summary>The volume.</summary>
    [Key(1)]
    public uint VolumeId { get; init; }

    /// <summary>The photo key.</summary>
    [Key(2)]
    public ulong Key { get; init; }

    /// <summary>The alternate key.</summary>
    [Key(3)]
    public uint AlternateKey { get; init; }

    /// <summary>The photo's cookie: the Store checks it as for any delete.</summary>
    [Key(4)]
    public ulong Cookie { get; init; }
}
