using MessagePack;

namespace Gfs;

/// <summary>
/// A deleted file or directory, hidden from the namespace until garbage collection reclaims its chunks (SOSP'03 §4.4); until
/// then it can be restored.
/// </summary>
[MessagePackObject]
internal sealed class TrashEntry
{
    [Key(0)]
    public string Path { get; set; } = "";

    [Key(1)]
    public long DeletedTicks { get; set; }

    /// <summary>Every chunk the deleted files named (one reference each).</summary>
    [Key(2)]
    public List<ulong> Chunks { get; set; } = [];

    [Key(3)]
    public int Files { get; set; }

    /// <summary>
    /// The deleted tree's entries by their path below <see cref="Path"/> ("" for the deleted file or directory itself), kept so
    /// that an undelete can put the tree back as it was.
    /// </summary>
    [Key(4)]
    public Dictionary<string, NamespaceEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}
