using MessagePack;

namespace Chubby;

/// <summary>A session and the latest lease end any master has promised it, as recorded in the log.</summary>
[MessagePackObject]
internal sealed record LeaseRecord([property: Key(0)] ulong SessionId, [property: Key(1)] long PromisedUntilMilliseconds);
