using MessagePack;
using Raft.Core;

namespace Chubby;

/// <summary>The <see cref="IStateMachine"/> a <see cref="RaftNode"/> replicates: MessagePack commands and queries on a <see cref="ChubbyDatabase"/>.</summary>
internal sealed class ChubbyStateMachine(ChubbyDatabase database) : IStateMachine
{
    public ChubbyDatabase Database { get; } = database;

    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var decoded = MessagePackSerializer.Deserialize<DatabaseCommand>(command, ChubbyDatabase.Serializer, cancellationToken);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MessagePackSerializer.Serialize(Database.Apply(index, decoded), ChubbyDatabase.Serializer, cancellationToken));
    }

    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        var decoded = MessagePackSerializer.Deserialize<DatabaseQuery>(query, ChubbyDatabase.Serializer, cancellationToken);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(MessagePackSerializer.Serialize(Database.Query(decoded), ChubbyDatabase.Serializer, cancellationToken));
    }

    public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken) => Database.WriteSnapshotAsync(destination, cancellationToken);

    public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken) => Database.RestoreSnapshotAsync(source, cancellationToken);
}
