namespace Raft.Core;

/// <summary>What applying one hosted entry produced, as the proposer and a remote client see it.</summary>
internal readonly record struct ApplyOutcome(ClientResponseStatus Status, ReadOnlyMemory<byte> Result, ulong ClientId, string? Message)
{
    public static ApplyOutcome Ok(ReadOnlyMemory<byte> result) => new(ClientResponseStatus.Ok, result, 0, null);

    public static ApplyOutcome Rejected(string message) => new(ClientResponseStatus.Rejected, default, 0, message);

    public static ApplyOutcome Expired(ulong clientId) => new(ClientResponseStatus.SessionExpired, default, clientId, null);
}
