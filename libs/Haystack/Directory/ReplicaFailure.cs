namespace Haystack;

/// <summary>What a Store or a client saw go wrong with one replica of a logical volume.</summary>
public enum ReplicaFailure
{
    /// <summary>The Store did not answer in time.</summary>
    Unreachable = 0,

    /// <summary>The Store answered a write with an error other than "full".</summary>
    WriteFailed = 1,

    /// <summary>The Store's physical volume is full.</summary>
    Full = 2,

    /// <summary>A needle on the replica failed its checks (checksum, magic, key).</summary>
    Corruption = 3,
}
