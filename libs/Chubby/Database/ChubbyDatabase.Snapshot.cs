using MessagePack;
using MessagePack.Resolvers;

namespace Chubby;

internal sealed partial class ChubbyDatabase
{
    /// <summary>Internal types, the untrusted-data settings (snapshots arrive over the network from other replicas).</summary>
    public static readonly MessagePackSerializerOptions Serializer =
        MessagePackSerializerOptions.Standard.WithResolver(StandardResolverAllowPrivate.Instance).WithSecurity(MessagePackSecurity.UntrustedData);

    /// <summary>"CHB1": the header of a database snapshot.</summary>
    private const uint SnapshotMagic = 0x31424843;

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        var image = new DatabaseImage
        {
            Magic = SnapshotMagic,
            Clock = _clockMilliseconds,
            Epoch = _epoch,
            NextInstance = _nextInstance,
            Nodes = [.. _nodes.Values],
            Sessions = [.. _sessions.Values],
        };
        await MessagePackSerializer.SerializeAsync(destination, image, Serializer, cancellationToken);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        var image = await MessagePackSerializer.DeserializeAsync<DatabaseImage>(source, Serializer, cancellationToken);
        if (image.Magic != SnapshotMagic)
        {
            throw new InvalidDataException($"The snapshot is not a Chubby database (magic 0x{image.Magic:X8}).");
        }

        Reset();
        _nodes.Clear();
        _clockMilliseconds = image.Clock;
        _epoch = image.Epoch;
        _nextInstance = image.NextInstance;
        foreach (var node in image.Nodes)
        {
            _nodes[node.Path] = node;
        }

        foreach (var session in image.Sessions)
        {
            _sessions[session.Id] = session;
        }

        if (!_nodes.ContainsKey(Root))
        {
            throw new InvalidDataException($"The snapshot has no root {Root}: it belongs to another cell.");
        }
    }

    [MessagePackObject]
    internal sealed class DatabaseImage
    {
        [Key(0)]
        public uint Magic { get; set; }

        [Key(1)]
        public long Clock { get; set; }

        [Key(2)]
        public ulong Epoch { get; set; }

        [Key(3)]
        public ulong NextInstance { get; set; }

        [Key(4)]
        public List<DatabaseNode> Nodes { get; set; } = [];

        [Key(5)]
        public List<DatabaseSession> Sessions { get; set; } = [];
    }
}
