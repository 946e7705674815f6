#if !SEGMENTED_LOG_STORE
using System.Buffers;
using System.Buffers.Binary;
using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// A stand-in durable <see cref="ILogStore"/> for the benchmark while the library's <c>SegmentedLogStore</c> is not on this
/// branch: reads come from a <see cref="MemoryRaftLog"/>, and every append writes its entries and hard state to one
/// append-only file, with one fsync when the batch must be durable. It writes what a real log writes per batch, but never
/// reads the file back (no recovery), so it is only fit for measuring.
/// </summary>
internal sealed class FileBackedLogStore : ILogStore
{
    private const int EntryHeaderBytes = 8 + 8 + 1 + 4;
    private const int HardStateBytes = 1 + 8 + 8 + 8;
    private readonly MemoryRaftLog _memory = new();
    private readonly IStorageFile _file;

    private FileBackedLogStore(IStorageFile file) => _file = file;

    public RaftInitialState InitialState => _memory.InitialState;

    public ulong FirstIndex => _memory.FirstIndex;

    public ulong LastIndex => _memory.LastIndex;

    public Snapshot Snapshot => _memory.Snapshot;

    public static async ValueTask<FileBackedLogStore> OpenAsync(IFileStorage storage) =>
        new(await storage.OpenAsync("raft.log", StorageOpenMode.Truncate));

    public ulong Term(ulong index) => _memory.Term(index);

    public IReadOnlyList<LogEntry> Entries(ulong low, ulong high, long maxBytes) => _memory.Entries(low, high, maxBytes);

    public async ValueTask AppendAsync(IReadOnlyList<LogEntry> entries, HardState? hardState, bool sync, CancellationToken cancellationToken = default)
    {
        var length = entries.Sum(e => EntryHeaderBytes + e.Data.Length) + (hardState is null ? 0 : HardStateBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var offset = 0;
            foreach (var entry in entries)
            {
                var span = buffer.AsSpan(offset);
                BinaryPrimitives.WriteUInt64LittleEndian(span, entry.Index);
                BinaryPrimitives.WriteUInt64LittleEndian(span[8..], entry.Term);
                span[16] = (byte)entry.Kind;
                BinaryPrimitives.WriteInt32LittleEndian(span[17..], entry.Data.Length);
                entry.Data.Span.CopyTo(span[EntryHeaderBytes..]);
                offset += EntryHeaderBytes + entry.Data.Length;
            }

            if (hardState is { } state)
            {
                var span = buffer.AsSpan(offset);
                span[0] = 0xFF;
                BinaryPrimitives.WriteUInt64LittleEndian(span[1..], state.Term);
                BinaryPrimitives.WriteUInt64LittleEndian(span[9..], state.Vote.Value);
                BinaryPrimitives.WriteUInt64LittleEndian(span[17..], state.Commit);
            }

            await _file.AppendAsync(buffer.AsMemory(0, length), cancellationToken);
            if (sync)
            {
                await _file.FlushAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        await _memory.AppendAsync(entries, hardState, sync, cancellationToken);
    }

    public ValueTask InstallSnapshotAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        _memory.InstallSnapshotAsync(metadata, cancellationToken);

    public ValueTask CompactAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        _memory.CompactAsync(metadata, cancellationToken);

    public ValueTask DisposeAsync() => _file.DisposeAsync();
}
#endif
