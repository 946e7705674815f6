using MessagePack;

namespace Haystack;

/// <summary>A read-only question to the Directory, answered linearizably. Exactly one member is set.</summary>
[MessagePackObject]
internal sealed record DirectoryQuery
{
    [Key(0)]
    public LocateQuery? Locate { get; init; }

    [Key(1)]
    public ListVolumesQuery? ListVolumes { get; init; }

    [Key(2)]
    public ListStoresQuery? ListStores { get; init; }

    public static implicit operator DirectoryQuery(LocateQuery query) => new() { Locate = query };

    public static implicit operator DirectoryQuery(ListVolumesQuery query) => new() { ListVolumes = query };

    public static implicit operator DirectoryQuery(ListStoresQuery query) => new() { ListStores = query };
}
