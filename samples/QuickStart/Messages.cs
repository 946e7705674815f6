using MessagePack;

namespace QuickStart;

/// <summary>Asks a node to add to its counter.</summary>
[MessagePackObject]
public sealed record AddRequest([property: Key(0)] long Amount);

/// <summary>The counter after the addition, and who holds it.</summary>
[MessagePackObject]
public sealed record AddResponse([property: Key(0)] string Node, [property: Key(1)] long Total);

/// <summary>A one-way note that a node is alive.</summary>
[MessagePackObject]
public sealed record Hello([property: Key(0)] string From, [property: Key(1)] long SentAtTicks);
