namespace Raft.Core;

/// <summary>
/// The answer to a <see cref="RaftCore.ReadIndex"/> request: once the application has applied <see cref="Index"/>, a read
/// served from its state is linearizable (Raft thesis §6.4).
/// </summary>
/// <param name="Index">The commit index at the time the read was confirmed.</param>
/// <param name="Context">The context the request was made with.</param>
public sealed record ReadState(ulong Index, ReadOnlyMemory<byte> Context);
