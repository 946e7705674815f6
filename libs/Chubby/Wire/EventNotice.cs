using MessagePack;

namespace Chubby;

/// <summary>An event carried by a <see cref="KeepAliveResponse"/>.</summary>
/// <param name="Number">Its number within the session; acknowledged by <see cref="KeepAliveRequest.AcknowledgedEvent"/>.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Path">The node it happened to.</param>
[MessagePackObject]
public sealed record EventNotice([property: Key(0)] ulong Number, [property: Key(1)] ChubbyEventKind Kind, [property: Key(2)] string Path);
