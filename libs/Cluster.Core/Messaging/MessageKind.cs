namespace Cluster.Core;

/// <summary>What role an <see cref="Envelope"/> plays in a conversation between two nodes.</summary>
public enum MessageKind : byte
{
    /// <summary>A message that expects no answer.</summary>
    OneWay = 0,

    /// <summary>A request; the receiver answers with a <see cref="Response"/> or <see cref="Failure"/> carrying the same correlation id.</summary>
    Request = 1,

    /// <summary>The successful answer to a request.</summary>
    Response = 2,

    /// <summary>The answer to a request whose handler failed; the body is a <see cref="RemoteError"/>.</summary>
    Failure = 3,
}
