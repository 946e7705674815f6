using MessagePack;

namespace Haystack;

/// <summary>A read-only question to the Directory, answered linearizably.</summary>
[Union(0, typeof(LocateQuery))]
[Union(1, typeof(ListVolumesQuery))]
[Union(2, typeof(ListStoresQuery))]
internal abstract record DirectoryQuery;
