using MessagePack;
using Cluster.Core;

namespace Raft.Core;

/// <summary>
/// A membership change proposed through <see cref="RaftCore.ProposeConfigChange"/>. A change with no items leaves a joint configuration.
/// </summary>
[MessagePackObject]
public sealed record ConfigChange
{
    /// <summary>The changes, applied in order.</summary>
    [Key(0)]
    public IReadOnlyList<ConfigChangeItem> Items { get; init; } = [];

    /// <summary>How to get to the new membership.</summary>
    [Key(1)]
    public ConfigChangeTransition Transition { get; init; }

    /// <summary>Whether this change leaves a joint configuration.</summary>
    [IgnoreMember]
    public bool IsLeaveJoint => Items.Count == 0;

    /// <summary>A change that adds (or promotes) one voter.</summary>
    public static ConfigChange AddVoter(NodeId node) => new() { Items = [new ConfigChangeItem(ConfigChangeType.AddVoter, node)] };

    /// <summary>A change that adds (or demotes to) one learner.</summary>
    public static ConfigChange AddLearner(NodeId node) => new() { Items = [new ConfigChangeItem(ConfigChangeType.AddLearner, node)] };

    /// <summary>A change that removes one node.</summary>
    public static ConfigChange RemoveNode(NodeId node) => new() { Items = [new ConfigChangeItem(ConfigChangeType.RemoveNode, node)] };

    /// <summary>The change that leaves a joint configuration.</summary>
    public static ConfigChange LeaveJoint() => new();

    /// <summary>Encodes the change as the payload of a <see cref="EntryKind.ConfigChange"/> entry.</summary>
    public byte[] Encode() => MessagePackSerializer.Serialize(this, MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData));

    /// <summary>Decodes the payload of a <see cref="EntryKind.ConfigChange"/> entry.</summary>
    /// <exception cref="MessagePackSerializationException">The payload is not an encoded change.</exception>
    public static ConfigChange Decode(ReadOnlyMemory<byte> data) =>
        MessagePackSerializer.Deserialize<ConfigChange>(data, MessagePackSerializerOptions.Standard.WithSecurity(MessagePackSecurity.UntrustedData));

    /// <inheritdoc />
    public bool Equals(ConfigChange? other) => other is not null && Transition == other.Transition && Items.SequenceEqual(other.Items);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Transition, Items.Count);

    /// <inheritdoc />
    public override string ToString() => IsLeaveJoint ? "leave-joint" : string.Join(' ', Items.Select(i => $"{i.Type}({i.Node})")) + $" {Transition}";
}
