using MessagePack;

namespace Chubby;

/// <summary>One change a command made to one node.</summary>
[MessagePackObject]
internal sealed record NodeChange([property: Key(0)] string Path, [property: Key(1)] ChangeKind Kind);
