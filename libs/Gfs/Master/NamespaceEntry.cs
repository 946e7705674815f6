using MessagePack;

namespace Gfs;

/// <summary>One file or directory in the master's namespace table.</summary>
[MessagePackObject]
internal sealed class NamespaceEntry
{
    [Key(0)]
    public bool IsDirectory { get; set; }

    /// <summary>A file's chunk handles in order (chunk i holds bytes [i × chunk size, (i + 1) × chunk size)).</summary>
    [Key(1)]
    public List<ulong> Chunks { get; set; } = [];

    /// <summary>A directory's child names, kept in ordinal order.</summary>
    [Key(2)]
    public List<string> Children { get; set; } = [];

    /// <summary>When it was created (ticks of the log's leader time).</summary>
    [Key(3)]
    public long CreatedTicks { get; set; }

    public void AddChild(string name)
    {
        var at = Children.BinarySearch(name, StringComparer.Ordinal);
        if (at < 0)
        {
            Children.Insert(~at, name);
        }
    }

    public void RemoveChild(string name)
    {
        var at = Children.BinarySearch(name, StringComparer.Ordinal);
        if (at >= 0)
        {
            Children.RemoveAt(at);
        }
    }
}
