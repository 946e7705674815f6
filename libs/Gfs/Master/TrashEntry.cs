using MessagePack;

namespace Gfs;

/// <summary>A deleted file or directory, hidden from the namespace until garbage collection reclaims its chunks (SOSP'03 §4.4).</summary>
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
}
