using Cluster.Core;
using Raft.Core;

namespace Benchmarks.Raft;

/// <summary>
/// The pure core path without I/O: <see cref="RaftCore"/>s on one thread, each over a <see cref="MemoryRaftLog"/>, with
/// messages handed from one to the next in memory (no serialization, no sockets, no tasks). Node 1 is elected at
/// construction; proposals go to it in batches and each batch is driven to commit on every node.
/// </summary>
/// <remarks>The logs are compacted every <see cref="CompactEveryEntries"/> entries so long runs stay within memory.</remarks>
internal sealed class InProcessCoreCluster
{
    private const ulong CompactEveryEntries = 100_000;
    private readonly RaftCore[] _cores;
    private readonly MemoryRaftLog[] _logs;
    private readonly Dictionary<NodeId, int> _positions = [];
    private readonly Queue<RaftMessage> _inFlight = new();
    private ulong _lastCompaction;

    public InProcessCoreCluster(int count, RaftOptions? options = null)
    {
        var members = Enumerable.Range(1, count).Select(i => new NodeId((ulong)i)).ToArray();
        _cores = new RaftCore[count];
        _logs = new MemoryRaftLog[count];
        for (var i = 0; i < count; i++)
        {
            _logs[i] = MemoryRaftLog.CreateBootstrapped(members);
            _cores[i] = new RaftCore(members[i], _logs[i], options ?? new RaftOptions(), new RandomSource((ulong)(i + 1)));
            _positions[members[i]] = i;
        }

        // Apply the bootstrap configuration first: a node does not campaign while a committed configuration is unapplied.
        Stabilize();
        Leader.Campaign();
        Stabilize();
        if (Leader.Role != RaftRole.Leader)
        {
            throw new InvalidOperationException("Node 1 did not win the election.");
        }
    }

    public RaftCore Leader => _cores[0];

    /// <summary>Messages delivered so far.</summary>
    public long MessagesDelivered { get; private set; }

    /// <summary>Ready batches processed so far, on all nodes.</summary>
    public long ReadyBatches { get; private set; }

    /// <summary>Proposes <paramref name="count"/> commands, <paramref name="batch"/> at a time, each batch driven to commit and apply everywhere.</summary>
    public void ProposeAndCommit(int count, int batch, ReadOnlyMemory<byte> command)
    {
        for (var proposed = 0; proposed < count;)
        {
            var n = Math.Min(batch, count - proposed);
            for (var i = 0; i < n; i++)
            {
                Leader.Propose(command);
            }

            proposed += n;
            Stabilize();
            if (Leader.CommitIndex - _lastCompaction >= CompactEveryEntries)
            {
                Compact();
            }
        }
    }

    /// <summary>Processes every node's Ready and delivers every message until nothing is left to do.</summary>
    private void Stabilize()
    {
        bool progressed;
        do
        {
            progressed = false;
            for (var i = 0; i < _cores.Length; i++)
            {
                while (_cores[i].HasReady)
                {
                    ProcessReady(i);
                    progressed = true;
                }
            }

            while (_inFlight.TryDequeue(out var message))
            {
                _cores[_positions[message.To]].Step(message);
                MessagesDelivered++;
                progressed = true;
            }
        }
        while (progressed);
    }

    private void ProcessReady(int i)
    {
        var ready = _cores[i].GetReady();
        if (ready.Snapshot is not null)
        {
            throw new InvalidOperationException("No node falls behind a snapshot in this benchmark.");
        }

        // Persist before send, as the Ready contract says; "persisted" means "written to the memory log" here.
        _logs[i].Append(ready.Entries);
        if (ready.HardState is { } hardState)
        {
            _logs[i].SetHardState(hardState);
        }

        foreach (var message in ready.Messages)
        {
            _inFlight.Enqueue(message);
        }

        _cores[i].Advance(ready);
        ReadyBatches++;
    }

    private void Compact()
    {
        for (var i = 0; i < _cores.Length; i++)
        {
            var applied = _cores[i].AppliedIndex;
            if (applied > _logs[i].Snapshot.Index)
            {
                _logs[i].CreateSnapshot(applied, _cores[i].Configuration, ReadOnlyMemory<byte>.Empty);
                _logs[i].Compact(applied);
            }
        }

        _lastCompaction = Leader.CommitIndex;
    }
}
