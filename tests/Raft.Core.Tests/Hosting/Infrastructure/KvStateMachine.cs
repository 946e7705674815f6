using System.Text;
using MessagePack;

namespace Raft.Core.Tests.Hosting;

/// <summary>
/// The test state machine: a string dictionary with put/append/get, which records every entry it applies so the harness can check
/// state machine safety (no two nodes apply different commands at one index).
/// </summary>
public sealed class KvStateMachine : IStateMachine
{
    private Dictionary<string, string> _data = [];

    public IReadOnlyDictionary<string, string> Data => _data;

    /// <summary>Index → command bytes as applied (or the snapshot index restored), shared across this node's incarnations.</summary>
    public required SortedDictionary<ulong, string> Applied { get; init; }

    public Func<ulong, KvCommand, Exception?>? FailOn { get; set; }

    public int SnapshotsWritten { get; private set; }

    public Exception? FailSnapshotWith { get; set; }

    /// <summary>Index → the leader time the node passed with each command (this incarnation only).</summary>
    public SortedDictionary<ulong, ApplyContext> Contexts { get; } = [];

    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ApplyContext context, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        Contexts[context.Index] = context;
        return ApplyAsync(context.Index, command, cancellationToken);
    }

    public ValueTask<ReadOnlyMemory<byte>> ApplyAsync(ulong index, ReadOnlyMemory<byte> command, CancellationToken cancellationToken)
    {
        var decoded = KvCommand.Decode(command);
        if (FailOn?.Invoke(index, decoded) is { } failure)
        {
            throw failure;
        }

        Applied[index] = Convert.ToHexString(command.Span);
        string? result;
        switch (decoded.Op)
        {
            case "put":
                _data.TryGetValue(decoded.Key, out result);
                _data[decoded.Key] = decoded.Value!;
                break;
            case "append":
                _data.TryGetValue(decoded.Key, out result);
                _data[decoded.Key] = (result ?? "") + decoded.Value;
                break;
            default:
                _data.TryGetValue(decoded.Key, out result);
                break;
        }

        return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(result ?? "\0"));
    }

    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> query, CancellationToken cancellationToken)
    {
        var decoded = KvCommand.Decode(query);
        return ValueTask.FromResult<ReadOnlyMemory<byte>>(Encoding.UTF8.GetBytes(_data.TryGetValue(decoded.Key, out var value) ? value : "\0"));
    }

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken cancellationToken)
    {
        SnapshotsWritten++;
        var bytes = MessagePackSerializer.Serialize(_data, cancellationToken: cancellationToken);
        await destination.WriteAsync(bytes.AsMemory(0, bytes.Length / 2), cancellationToken);
        if (FailSnapshotWith is { } failure)
        {
            throw failure;
        }

        await destination.WriteAsync(bytes.AsMemory(bytes.Length / 2), cancellationToken);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken cancellationToken)
    {
        _data = await MessagePackSerializer.DeserializeAsync<Dictionary<string, string>>(source, cancellationToken: cancellationToken);
    }

    public static string? DecodeResult(ReadOnlyMemory<byte> result)
    {
        var text = Encoding.UTF8.GetString(result.Span);
        return text == "\0" ? null : text;
    }
}
