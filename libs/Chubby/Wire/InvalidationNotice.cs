using MessagePack;

namespace Chubby;

/// <summary>A cache invalidation carried by a <see cref="KeepAliveResponse"/>.</summary>
/// <param name="Number">Its number within the session; acknowledged by <see cref="KeepAliveRequest.AcknowledgedInvalidation"/>.</param>
/// <param name="Path">The node whose cached contents, metadata or absence must be dropped.</param>
[MessagePackObject]
public sealed record InvalidationNotice([property: Key(0)] ulong Number, [property: Key(1)] string Path);
