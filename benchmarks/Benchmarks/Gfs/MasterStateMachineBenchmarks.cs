using BenchmarkDotNet.Attributes;
using global::Gfs;
using Raft.Core;

namespace Benchmarks.Gfs;

/// <summary>
/// How fast a master node applies its operation log: encoded namespace and chunk commands, as Raft hands them over, decoded,
/// applied to a <see cref="MasterStateMachine"/> and answered (the answer encoded). One invocation applies
/// <see cref="Commands"/> commands; BenchmarkDotNet reports the time per command. No Raft, no I/O.
/// </summary>
[MemoryDiagnoser]
public class MasterStateMachineBenchmarks
{
    private const int Commands = 4096;
    private const int Directories = 64;

    private readonly ReadOnlyMemory<byte>[] _createFiles = new ReadOnlyMemory<byte>[Commands];
    private readonly ReadOnlyMemory<byte>[] _addChunks = new ReadOnlyMemory<byte>[Commands];
    private readonly ReadOnlyMemory<byte>[] _renames = new ReadOnlyMemory<byte>[Commands];
    private readonly ReadOnlyMemory<byte>[] _lookups = new ReadOnlyMemory<byte>[Commands];
    private MasterStateMachine _machine = null!;
    private ulong _index;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Commands; i++)
        {
            var path = FilePath(i);
            _createFiles[i] = Encode(new MasterCommand { Op = MasterOp.CreateFile, Path = path, ClientId = 7, CallId = (ulong)i + 1 });
            _addChunks[i] = Encode(new MasterCommand { Op = MasterOp.AddChunk, Path = path, ChunkIndex = 0 });
            _renames[i] = Encode(new MasterCommand { Op = MasterOp.Rename, Path = path, Target = path + ".renamed", ClientId = 8, CallId = (ulong)i + 1 });
            _lookups[i] = Encode(new MasterCommand { Op = MasterOp.Lookup, Path = path });
        }
    }

    /// <summary>A fresh namespace of <see cref="Directories"/> directories before each iteration (files are created by the benchmarks).</summary>
    [IterationSetup]
    public void FreshNamespace()
    {
        _machine = new MasterStateMachine();
        _index = 0;
        for (var d = 0; d < Directories; d++)
        {
            Apply(Encode(new MasterCommand { Op = MasterOp.CreateDirectory, Path = $"/bench/d{d}" }));
        }
    }

    /// <summary>Creates files (each call remembered in the retry cache, as clients' calls are).</summary>
    [Benchmark(OperationsPerInvoke = Commands)]
    public void CreateFile() => ApplyAll(_createFiles);

    /// <summary>Creates files, then gives each its first chunk (a new handle at version 1).</summary>
    [Benchmark(OperationsPerInvoke = 2 * Commands)]
    public void CreateFileThenAddChunk()
    {
        ApplyAll(_createFiles);
        ApplyAll(_addChunks);
    }

    /// <summary>Creates files, then renames each.</summary>
    [Benchmark(OperationsPerInvoke = 2 * Commands)]
    public void CreateFileThenRename()
    {
        ApplyAll(_createFiles);
        ApplyAll(_renames);
    }

    /// <summary>For comparison: read-only lookups of files that exist (a query is not logged).</summary>
    [Benchmark(OperationsPerInvoke = 2 * Commands)]
    public async Task CreateFileThenLookup()
    {
        ApplyAll(_createFiles);
        foreach (var lookup in _lookups)
        {
            await _machine.QueryAsync(lookup, CancellationToken.None);
        }
    }

    private static string FilePath(int i) => $"/bench/d{i % Directories}/file-{i:D6}";

    private static byte[] Encode(MasterCommand command) => MasterSerializer.Serialize(command);

    private void ApplyAll(ReadOnlyMemory<byte>[] commands)
    {
        foreach (var command in commands)
        {
            Apply(command);
        }
    }

    private void Apply(ReadOnlyMemory<byte> command)
    {
        // Applying is synchronous (the ValueTask is already complete), as it is inside a Raft node.
        var answer = _machine.ApplyAsync(new ApplyContext(++_index, 1, DateTimeOffset.UnixEpoch, 0), command, CancellationToken.None);
        if (!answer.IsCompletedSuccessfully || answer.Result.IsEmpty)
        {
            throw new InvalidOperationException("A command was not applied synchronously, or could not be decoded.");
        }
    }
}
