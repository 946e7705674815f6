using MessagePack;

namespace Chubby;

/// <summary>A session as the database records it: what outlives a master (Chubby §2.9).</summary>
/// <remarks>
/// The lease end itself is the master's soft state; the database keeps only the latest end any master has promised, written before
/// the promise is made, so that a new master can honour every promise of the old one without knowing its clock.
/// </remarks>
[MessagePackObject]
internal sealed class DatabaseSession
{
    [Key(0)]
    public ulong Id { get; set; }

    [Key(1)]
    public ulong Client { get; set; }

    [Key(2)]
    public long PromisedUntilMilliseconds { get; set; }

    [Key(3)]
    public ulong LowestUnacknowledged { get; set; }

    /// <summary>Answers to the session's changes, by sequence number, so a retried change is applied once.</summary>
    [Key(4)]
    public SortedDictionary<ulong, DatabaseResult> Responses { get; set; } = [];

    [Key(5)]
    public string[] LockList
    {
        get => [.. Locks];
        set => Locks = new SortedSet<string>(value, StringComparer.Ordinal);
    }

    [Key(6)]
    public string[] EphemeralList
    {
        get => [.. Ephemerals];
        set => Ephemerals = new SortedSet<string>(value, StringComparer.Ordinal);
    }

    /// <summary>Who the session acts for, as the client asserted it when it connected; ACL files are checked against it.</summary>
    [Key(7)]
    public string Principal { get; set; } = ChubbyPrincipal.Anonymous;

    [IgnoreMember]
    public SortedSet<string> Locks { get; private set; } = new(StringComparer.Ordinal);

    [IgnoreMember]
    public SortedSet<string> Ephemerals { get; private set; } = new(StringComparer.Ordinal);
}
