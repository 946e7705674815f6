using System.Text;
using System.Text.Json;
using Cluster.Core;
using Raft.Core;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>One node of a <see cref="TestNetwork"/>: its durable storage, its core and the state machine it applies to.</summary>
public sealed class TestNode
{
    private readonly RaftOptions _options;
    private int _restarts;

    public TestNode(NodeId id, MemoryRaftLog storage, RaftOptions options, int seed)
    {
        Id = id;
        Storage = storage;
        _options = options;
        Seed = seed;
        Core = new RaftCore(id, storage, options, new RandomSource((ulong)seed));
    }

    public NodeId Id { get; }

    public int Seed { get; }

    public MemoryRaftLog Storage { get; }

    public RaftCore Core { get; private set; }

    public bool IsDown { get; set; }

    /// <summary>The commands applied, in order; rebuilt from the snapshot on restart.</summary>
    public List<string> StateMachine { get; private set; } = [];

    public ulong AppliedIndex { get; private set; }

    public List<ReadState> ReadStates { get; } = [];

    public List<LogEntry> AppliedEntries { get; } = [];

    /// <summary>Simulates a crash and restart: everything not in <see cref="Storage"/> is lost.</summary>
    public void Restart()
    {
        _restarts++;
        Core = new RaftCore(Id, Storage, _options, new RandomSource((ulong)(Seed + (_restarts * 7919))));
        RestoreStateMachine(Storage.Snapshot);
    }

    public void RestoreStateMachine(Snapshot snapshot)
    {
        StateMachine = snapshot.Data.IsEmpty ? [] : JsonSerializer.Deserialize<List<string>>(snapshot.Data.Span) ?? [];
        AppliedIndex = snapshot.Index;
    }

    /// <summary>Takes a snapshot at the applied index and compacts the log, keeping <paramref name="keepEntries"/> entries.</summary>
    public void Compact(ulong keepEntries)
    {
        if (AppliedIndex <= Storage.Snapshot.Index + keepEntries)
        {
            return;
        }

        var data = JsonSerializer.SerializeToUtf8Bytes(StateMachine);
        Storage.CreateSnapshot(AppliedIndex, Core.Configuration, data);
        Storage.Compact(AppliedIndex - keepEntries);
    }

    /// <summary>Persists, applies and advances one Ready; returns its messages.</summary>
    public IReadOnlyList<RaftMessage> ProcessReady(Action<TestNode, LogEntry>? onApply = null)
    {
        var ready = Core.GetReady();
        if (ready.Snapshot is not null)
        {
            Storage.ApplySnapshot(ready.Snapshot);
        }

        Storage.Append(ready.Entries);
        if (ready.HardState is { } hard)
        {
            Storage.SetHardState(hard);
        }

        if (ready.Snapshot is not null)
        {
            RestoreStateMachine(ready.Snapshot);
        }

        foreach (var entry in ready.CommittedEntries)
        {
            Assert.That(entry.Index, Is.EqualTo(AppliedIndex + 1), $"{Id} applies entries in order without gaps");
            AppliedIndex = entry.Index;
            AppliedEntries.Add(entry);
            if (entry.Kind == EntryKind.Normal)
            {
                StateMachine.Add(Encoding.UTF8.GetString(entry.Data.Span));
            }

            onApply?.Invoke(this, entry);
        }

        ReadStates.AddRange(ready.ReadStates);
        Core.Advance(ready);
        return ready.Messages;
    }
}
