using System.Globalization;
using MessagePack;

namespace Cluster.Core;

/// <summary>
/// The identity of one node (one process taking part in a cluster). Identities are small positive
/// integers chosen by whoever configures the cluster; zero is reserved to mean "no node".
/// </summary>
/// <remarks>
/// An identity names a node for its whole life, across restarts. It is not an address: the mapping
/// from identity to network endpoint lives in <see cref="NodeAddress"/> and may change.
/// </remarks>
[MessagePackObject]
public readonly record struct NodeId : IComparable<NodeId>
{
    /// <summary>The reserved identity that names no node.</summary>
    public static readonly NodeId None;

    /// <summary>Creates an identity from its numeric value.</summary>
    /// <param name="value">The numeric identity; zero means <see cref="None"/>.</param>
    [SerializationConstructor]
    public NodeId(ulong value) => Value = value;

    /// <summary>The numeric identity.</summary>
    [Key(0)]
    public ulong Value { get; }

    /// <summary>Whether this is <see cref="None"/>.</summary>
    [IgnoreMember]
    public bool IsNone => Value == 0;

    /// <inheritdoc />
    public int CompareTo(NodeId other) => Value.CompareTo(other.Value);

    /// <summary>Formats the identity as <c>n</c> followed by the number, e.g. <c>n3</c>.</summary>
    public override string ToString() => IsNone ? "none" : "n" + Value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses <c>n3</c> or <c>3</c>.</summary>
    /// <exception cref="FormatException">The text is not an identity.</exception>
    public static NodeId Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = text.StartsWith('n') ? text.AsSpan(1) : text.AsSpan();
        if (!ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value == 0)
        {
            throw new FormatException($"'{text}' is not a node identity; expected a positive number such as 'n3' or '3'.");
        }

        return new NodeId(value);
    }

    /// <summary>Compares two identities by value.</summary>
    public static bool operator <(NodeId left, NodeId right) => left.Value < right.Value;

    /// <summary>Compares two identities by value.</summary>
    public static bool operator >(NodeId left, NodeId right) => left.Value > right.Value;

    /// <summary>Compares two identities by value.</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.Value <= right.Value;

    /// <summary>Compares two identities by value.</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.Value >= right.Value;
}
