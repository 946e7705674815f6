using MessagePack;

namespace Cluster.Core;

/// <summary>The body of a <see cref="MessageKind.Failure"/> answer: why a remote handler did not answer.</summary>
/// <param name="Code">A stable, machine-readable reason, for example the exception type name or <c>NoHandler</c>.</param>
/// <param name="Message">A human-readable description.</param>
[MessagePackObject]
public sealed record RemoteError([property: Key(0)] string Code, [property: Key(1)] string Message)
{
    /// <summary>The code sent when the receiver has no handler for the request type.</summary>
    public const string NoHandlerCode = "NoHandler";

    /// <summary>The code sent when the receiver is shutting down.</summary>
    public const string ShuttingDownCode = "ShuttingDown";
}
