using System.Buffers.Binary;
using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<ulong, PendingProposal> _pendingProposals = [];
    private readonly Dictionary<ulong, PendingRead> _pendingReads = [];
    private ulong _nextReadId;

    private async Task<ApplyOutcome> ProposeEntryAsync(HostedEntry entry, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        lock (_pendingGate)
        {
            if (_pendingProposals.Count >= _options.MaxPendingProposals)
            {
                throw new ProposalRejectedException(ProposalRejectionReason.TooManyPendingProposals,
                    $"RaftNodeOptions.MaxPendingProposals ({_options.MaxPendingProposals}) proposals are waiting; retry later.");
            }
        }

        var completion = NewCompletion<ApplyOutcome>();
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(() => completion.TrySetCanceled(cancellationToken))
            : default;
        Post(new Input.Propose(entry.Encode(), completion));
        var outcome = await completion.Task;
        return outcome.Status switch
        {
            ClientResponseStatus.SessionExpired => throw new SessionExpiredException(outcome.ClientId),
            ClientResponseStatus.Rejected when entry.Kind == HostedEntryKind.Command => throw new InvalidOperationException(outcome.Message),
            _ => outcome,
        };
    }

    /// <summary>Called by the loop once the core accepted a proposal at <paramref name="index"/>.</summary>
    private void AddPending(ulong index, ulong term, TaskCompletionSource<ApplyOutcome> completion)
    {
        lock (_pendingGate)
        {
            _pendingProposals[index] = new PendingProposal(term, completion);
        }
    }

    /// <summary>Called by the apply loop for every applied entry.</summary>
    private void CompletePending(LogEntry entry, ApplyOutcome outcome)
    {
        PendingProposal pending;
        lock (_pendingGate)
        {
            if (!_pendingProposals.Remove(entry.Index, out pending))
            {
                return;
            }
        }

        if (pending.Term == entry.Term)
        {
            pending.Completion.TrySetResult(outcome);
        }
        else
        {
            // A later leader put a different entry at this index: ours was never committed (Raft §5.3).
            pending.Completion.TrySetException(new ProposalOutcomeUnknownException(entry.Index, _core.Leader, "a later leader overwrote it"));
        }
    }

    private void FailPending(Func<ulong, Exception> error)
    {
        List<KeyValuePair<ulong, PendingProposal>> failed;
        lock (_pendingGate)
        {
            failed = [.. _pendingProposals];
            _pendingProposals.Clear();
        }

        foreach (var (index, pending) in failed)
        {
            pending.Completion.TrySetException(error(index));
        }
    }

    private PendingRead RegisterRead(ReadOnlyMemory<byte> query)
    {
        lock (_pendingGate)
        {
            if (_pendingReads.Count >= _options.MaxPendingProposals)
            {
                throw new ProposalRejectedException(ProposalRejectionReason.TooManyPendingReads,
                    $"RaftNodeOptions.MaxPendingProposals ({_options.MaxPendingProposals}) reads are waiting; retry later.");
            }

            var read = new PendingRead(++_nextReadId, query.ToArray(), NewCompletion<ReadOnlyMemory<byte>>());
            _pendingReads[read.Id] = read;
            return read;
        }
    }

    private PendingRead? TakeRead(ulong id)
    {
        lock (_pendingGate)
        {
            return _pendingReads.Remove(id, out var read) ? read : null;
        }
    }

    private void FailReads(Func<Exception> error, Func<PendingRead, bool>? which = null)
    {
        List<PendingRead> failed;
        lock (_pendingGate)
        {
            failed = [.. _pendingReads.Values.Where(r => which is null || which(r))];
            foreach (var read in failed)
            {
                _pendingReads.Remove(read.Id);
            }
        }

        foreach (var read in failed)
        {
            read.Completion.TrySetException(error());
        }
    }

    private void MarkReadConfirmed(ulong id)
    {
        lock (_pendingGate)
        {
            if (_pendingReads.TryGetValue(id, out var read))
            {
                read.Confirmed = true;
            }
        }
    }

    private static byte[] EncodeReadContext(ulong id)
    {
        var context = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(context, id);
        return context;
    }

    private static ulong DecodeReadContext(ReadOnlyMemory<byte> context) =>
        context.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(context.Span) : 0;

    private readonly record struct PendingProposal(ulong Term, TaskCompletionSource<ApplyOutcome> Completion);

    private sealed class PendingRead(ulong id, byte[] query, TaskCompletionSource<ReadOnlyMemory<byte>> completion)
    {
        public ulong Id { get; } = id;

        public byte[] Query { get; } = query;

        public TaskCompletionSource<ReadOnlyMemory<byte>> Completion { get; } = completion;

        /// <summary>The loop's tick count when the read was handed to the core; 0 before that.</summary>
        public long StartedTick { get; set; }

        public bool Confirmed { get; set; }

        public NodeId AskedLeader { get; set; }
    }
}
