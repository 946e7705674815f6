using System.Buffers.Binary;
using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    private readonly Lock _pendingGate = new();
    private readonly Dictionary<ulong, PendingProposal> _pendingProposals = [];

    /// <summary>The count of <see cref="_pendingProposals"/>, readable without the lock that every proposer would contend for.</summary>
    private int _pendingProposalCount;
    private readonly Dictionary<ulong, PendingRead> _pendingReads = [];
    private ulong _nextReadId;

    /// <summary>Proposes a hosted entry on behalf of a remote client and returns what applying it produced.</summary>
    private async Task<ApplyOutcome> ProposeEntryAsync(HostedEntry entry, CancellationToken cancellationToken)
    {
        ThrowIfStopped();
        if (RefuseProposal() is { } refused)
        {
            throw refused;
        }

        var completion = new OutcomeCompletion();
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

    /// <summary>The error that refuses a new proposal now, or null when there is room for it.</summary>
    private ProposalRejectedException? RefuseProposal()
    {
        return Volatile.Read(ref _pendingProposalCount) < _options.MaxPendingProposals ? null
            : new ProposalRejectedException(ProposalRejectionReason.TooManyPendingProposals,
                $"RaftNodeOptions.MaxPendingProposals ({_options.MaxPendingProposals}) proposals are waiting; retry later.");
    }

    /// <summary>Called by the loop once the core accepted a proposal at <paramref name="index"/>.</summary>
    private void AddPending(ulong index, ulong term, IPendingCompletion completion)
    {
        lock (_pendingGate)
        {
            _pendingProposals[index] = new PendingProposal(term, completion);
            Volatile.Write(ref _pendingProposalCount, _pendingProposals.Count);
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

            Volatile.Write(ref _pendingProposalCount, _pendingProposals.Count);
        }

        if (pending.Term == entry.Term)
        {
            pending.Completion.Complete(outcome);
        }
        else
        {
            // A later leader put a different entry at this index: ours was never committed (Raft §5.3).
            pending.Completion.Fail(new ProposalOutcomeUnknownException(entry.Index, _core.Leader, "a later leader overwrote it"));
        }
    }

    private void FailPending(Func<ulong, Exception> error)
    {
        List<KeyValuePair<ulong, PendingProposal>> failed;
        lock (_pendingGate)
        {
            failed = [.. _pendingProposals];
            _pendingProposals.Clear();
            Volatile.Write(ref _pendingProposalCount, 0);
        }

        foreach (var (index, pending) in failed)
        {
            pending.Completion.Fail(error(index));
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

    private readonly record struct PendingProposal(ulong Term, IPendingCompletion Completion);

    /// <summary>Whoever waits for an entry the node proposed: told what applying it produced, or why it will never be known.</summary>
    private interface IPendingCompletion
    {
        void Complete(ApplyOutcome outcome);

        void Fail(Exception exception);
    }

    /// <summary>A completion for callers that read the whole <see cref="ApplyOutcome"/> (client requests, membership changes).</summary>
    private sealed class OutcomeCompletion() : TaskCompletionSource<ApplyOutcome>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingCompletion
    {
        public void Complete(ApplyOutcome outcome) => TrySetResult(outcome);

        public void Fail(Exception exception) => TrySetException(exception);
    }

    /// <summary>
    /// A command from <see cref="ProposeAsync"/>: the inbox item, the pending entry and the caller's task in one object, since
    /// at full load one is made for every command.
    /// </summary>
    private sealed class CommandProposal(ReadOnlyMemory<byte> data)
        : TaskCompletionSource<ReadOnlyMemory<byte>>(TaskCreationOptions.RunContinuationsAsynchronously), IPendingCompletion
    {
        private CancellationTokenRegistration _cancellation;

        /// <summary>The encoded entry.</summary>
        public ReadOnlyMemory<byte> Data { get; } = data;

        /// <summary>Cancels the caller's task when <paramref name="token"/> is; call once, before the proposal is posted.</summary>
        public void CancelWith(CancellationToken token)
        {
            if (token.CanBeCanceled)
            {
                _cancellation = token.UnsafeRegister(static (state, token) => ((CommandProposal)state!).TrySetCanceled(token), this);
            }
        }

        public void Complete(ApplyOutcome outcome)
        {
            // As for a remote client's command without a session (ProposeEntryAsync).
            _ = outcome.Status switch
            {
                ClientResponseStatus.SessionExpired => TrySetException(new SessionExpiredException(outcome.ClientId)),
                ClientResponseStatus.Rejected => TrySetException(new InvalidOperationException(outcome.Message)),
                _ => TrySetResult(outcome.Result),
            };
            _cancellation.Dispose();
        }

        public void Fail(Exception exception)
        {
            TrySetException(exception);
            _cancellation.Dispose();
        }
    }

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
