using MessagePack;

namespace Haystack;

/// <summary>A Store's heartbeat; registers the Store when it is new. Answered with a <see cref="HeartbeatResult"/>.</summary>
[MessagePackObject]
internal sealed record HeartbeatCommand
{
    [Key(0)]
    public StoreReport Report { get; init; } = new();
}
