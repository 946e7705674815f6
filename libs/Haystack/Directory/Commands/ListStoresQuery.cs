using MessagePack;

namespace Haystack;

/// <summary>Every registered Store machine. Answered with a list of <see cref="StoreInfo"/>.</summary>
[MessagePackObject]
internal sealed record ListStoresQuery;
