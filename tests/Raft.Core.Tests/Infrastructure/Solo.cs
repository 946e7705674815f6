using Cluster.Core;
using Raft.Core;

namespace Raft.Core.Tests.Infrastructure;

/// <summary>One core driven by hand, with its storage, for rule-by-rule tests in the manner of etcd's raft_paper_test.go.</summary>
public sealed class Solo
{
    public Solo(ulong id, ulong[] peers, RaftOptions? options = null, MemoryRaftLog? storage = null, int seed = 1)
    {
        Storage = storage ?? CreateStorage(peers);
        Core = new RaftCore(new NodeId(id), Storage, options ?? PaperOptions(), new RandomSource((ulong)seed));
    }

    public RaftCore Core { get; }

    public MemoryRaftLog Storage { get; }

    public List<LogEntry> Applied { get; } = [];

    public List<ReadState> ReadStates { get; } = [];

    /// <summary>The options of the paper tests: plain Raft without PreVote or CheckQuorum.</summary>
    public static RaftOptions PaperOptions(int election = 10, int heartbeat = 1) =>
        new() { ElectionTimeoutTicks = election, HeartbeatIntervalTicks = heartbeat, PreVote = false, CheckQuorum = false };

    /// <summary>Storage whose configuration is <paramref name="peers"/> and whose log holds entries 1..n with the given terms.</summary>
    public static MemoryRaftLog CreateStorage(ulong[] peers, params ulong[] terms)
    {
        var storage = new MemoryRaftLog();
        storage.ApplySnapshot(new Snapshot(new SnapshotMetadata { Configuration = ConfigurationState.Create(peers.Select(p => new NodeId(p))) }, ReadOnlyMemory<byte>.Empty));
        storage.Append([.. terms.Select((t, i) => new LogEntry { Term = t, Index = (ulong)i + 1, Data = new byte[] { (byte)i } })]);
        if (terms.Length > 0)
        {
            storage.SetHardState(new HardState(terms[^1], NodeId.None, 0));
        }

        return storage;
    }

    /// <summary>Processes every pending Ready (persist, apply, advance) and returns the messages, in order.</summary>
    public List<RaftMessage> ReadMessages()
    {
        var messages = new List<RaftMessage>();
        while (Core.HasReady)
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

            messages.AddRange(ready.Messages);
            Applied.AddRange(ready.CommittedEntries);
            ReadStates.AddRange(ready.ReadStates);
            Core.Advance(ready);
        }

        return messages;
    }

    public void Step(RaftMessage message) => Core.Step(message);

    public void Tick(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            Core.Tick();
        }
    }

    /// <summary>Makes this node the leader of a fresh term by granting it every vote.</summary>
    public void BecomeLeader()
    {
        Core.Campaign();
        foreach (var voter in Core.Configuration.Voters.Where(v => v != Core.Id))
        {
            Step(Msg.Make(MessageType.VoteResponse, voter.Value, Core.Id.Value, Core.Term));
        }

        Assert.That(Core.Role, Is.EqualTo(RaftRole.Leader));
    }

    public ulong[] LogTerms()
    {
        var terms = new List<ulong>();
        for (var i = Core.Log.FirstIndex; i <= Core.LastIndex; i++)
        {
            terms.Add(Core.Log.Term(i));
        }

        return [.. terms];
    }
}
