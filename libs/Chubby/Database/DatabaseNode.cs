using Cluster.Core;
using MessagePack;

namespace Chubby;

/// <summary>A file or directory in the database, with its lock.</summary>
[MessagePackObject]
internal sealed class DatabaseNode
{
    private byte[] _contents = [];
    private IReadOnlySet<string>? _principals;

    [Key(0)]
    public string Path { get; set; } = "";

    [Key(1)]
    public bool IsDirectory { get; set; }

    /// <summary>For an ephemeral file: the session whose end deletes it; 0 for a permanent node.</summary>
    [Key(2)]
    public ulong EphemeralOwner { get; set; }

    [Key(3)]
    public ulong InstanceNumber { get; set; }

    [Key(4)]
    public ulong ContentGeneration { get; set; }

    [Key(5)]
    public ulong LockGeneration { get; set; }

    [Key(6)]
    public ulong AclGeneration { get; set; }

    [Key(7)]
    public byte[] Contents
    {
        get => _contents;
        set
        {
            _contents = value;
            _principals = null;
        }
    }

    [Key(8)]
    public uint Checksum { get; set; }

    [Key(9)]
    public string[] ChildList
    {
        get => [.. Children];
        set => Children = new SortedSet<string>(value, StringComparer.Ordinal);
    }

    /// <summary>The session holding the lock exclusively, or 0.</summary>
    [Key(10)]
    public ulong ExclusiveHolder { get; set; }

    [Key(11)]
    public ulong[] SharedHolderList
    {
        get => [.. SharedHolders];
        set => SharedHolders = [.. value];
    }

    /// <summary>The lock-delay the holders asked for, applied if a holder's session expires while it holds the lock.</summary>
    [Key(12)]
    public long LockDelayMilliseconds { get; set; }

    /// <summary>Nobody may acquire the lock before this time (the database's clock).</summary>
    [Key(13)]
    public long LockDelayUntilMilliseconds { get; set; }

    /// <summary>The ACL files that govern the node (Chubby §2.4); inherited from the parent at creation.</summary>
    [Key(14)]
    public AclNames Acl { get; set; } = AclNames.Open;

    [IgnoreMember]
    public SortedSet<string> Children { get; private set; } = new(StringComparer.Ordinal);

    [IgnoreMember]
    public SortedSet<ulong> SharedHolders { get; private set; } = [];

    [IgnoreMember]
    public bool IsLockFree => ExclusiveHolder == 0 && SharedHolders.Count == 0;

    /// <summary>For an ACL file: the principals it lists, parsed once per contents.</summary>
    [IgnoreMember]
    public IReadOnlySet<string> Principals => _principals ??= ChubbyPrincipal.ParseAclFile(_contents);

    public void SetContents(byte[] contents)
    {
        Contents = contents;
        Checksum = Crc32C.Compute(contents);
    }

    public NodeStat ToStat() => new()
    {
        InstanceNumber = InstanceNumber,
        ContentGeneration = ContentGeneration,
        LockGeneration = LockGeneration,
        AclGeneration = AclGeneration,
        Checksum = Checksum,
        Length = Contents.Length,
        IsDirectory = IsDirectory,
        IsEphemeral = EphemeralOwner != 0,
        Acl = Acl,
    };

    public bool Holds(ulong session) => ExclusiveHolder == session || SharedHolders.Contains(session);

    public ulong[] Holders() => ExclusiveHolder != 0 ? [ExclusiveHolder] : [.. SharedHolders];
}
