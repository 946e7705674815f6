using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    /// <summary>
    /// Work for the node's loop, the only code that touches the core and the log store's write side. The two inputs that come
    /// with every command go into the inbox as they are, without a wrapper: a <see cref="RaftMessage"/> from a peer and a
    /// <see cref="CommandProposal"/>.
    /// </summary>
    private abstract record Input
    {
        public sealed record Tick : Input
        {
            public static readonly Tick Instance = new();
        }

        public sealed record Propose(ReadOnlyMemory<byte> Data, OutcomeCompletion Completion) : Input;

        public sealed record ChangeMembership(ConfigChange Change, OutcomeCompletion Completion) : Input;

        public sealed record Read(ulong Id) : Input;

        public sealed record TransferLeadership(NodeId Target, TaskCompletionSource<bool> Completion) : Input;

        public sealed record SnapshotTaken(SnapshotMetadata Metadata) : Input;

        public sealed record SnapshotReceived(NodeId From, ulong Term, SnapshotMetadata Metadata) : Input;

        public sealed record SnapshotTransferEnded(NodeId To, bool Succeeded) : Input;
    }

    /// <summary>Work for the apply loop, in log order.</summary>
    private abstract record ApplyWork
    {
        public sealed record Entries(IReadOnlyList<LogEntry> Committed, ConfigurationState Configuration) : ApplyWork;

        public sealed record Restore(SnapshotMetadata Metadata) : ApplyWork;

        public sealed record ReadsConfirmed(IReadOnlyList<ReadState> States) : ApplyWork;

        public sealed record Snapshot(TaskCompletionSource<ulong> Completion) : ApplyWork;

        public sealed record LeadershipLost(NodeId LeaderHint) : ApplyWork;
    }
}
