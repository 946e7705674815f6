namespace Cluster.Core;

/// <summary>
/// One message as a transport carries it: its kind, the correlation id that pairs a request with its
/// answer (zero for one-way messages), and the body, an instance of a type registered in a
/// <see cref="MessageTypeRegistry"/>.
/// </summary>
/// <remarks>Bodies are treated as immutable once sent: a transport may hand the same instance to the receiver.</remarks>
/// <param name="Kind">The role of the message.</param>
/// <param name="CorrelationId">Pairs a request with its answer; zero for one-way messages.</param>
/// <param name="Body">The message itself.</param>
public readonly record struct Envelope(MessageKind Kind, ulong CorrelationId, object Body)
{
    /// <summary>Creates a one-way envelope.</summary>
    public static Envelope OneWay(object body) => new(MessageKind.OneWay, 0, body);
}
