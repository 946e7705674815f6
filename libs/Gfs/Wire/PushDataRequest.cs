using MessagePack;

namespace Gfs;

/// <summary>
/// One piece of a mutation's data pushed to a chunkserver, which forwards it to the next chunkserver of <see cref="Chain"/>
/// as soon as it arrives (SOSP'03 §3.2: data flow is decoupled from control flow and pipelined along a chain).
/// </summary>
[MessagePackObject]
public sealed record PushDataRequest
{
    /// <summary>The client-chosen id the later mutation quotes.</summary>
    [Key(0)]
    public ulong DataId { get; init; }

    /// <summary>Where this piece goes in the data.</summary>
    [Key(1)]
    public int Offset { get; init; }

    /// <summary>The whole data's length.</summary>
    [Key(2)]
    public int TotalLength { get; init; }

    /// <summary>The piece.</summary>
    [Key(3)]
    public ReadOnlyMemory<byte> Piece { get; init; }

    /// <summary>The chunkservers still to receive it, in order.</summary>
    [Key(4)]
    public IReadOnlyList<ulong> Chain { get; init; } = [];
}
