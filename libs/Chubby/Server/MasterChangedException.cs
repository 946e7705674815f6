namespace Chubby;

/// <summary>This replica stopped being the master while a call waited; the call is answered with <see cref="ChubbyErrorCode.NotMaster"/>.</summary>
internal sealed class MasterChangedException() : Exception("This replica is no longer the master.");
