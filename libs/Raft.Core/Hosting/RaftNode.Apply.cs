using System.Buffers.Binary;
using System.Threading.Channels;

namespace Raft.Core;

public sealed partial class RaftNode
{
    /// <summary>"RNS1": the header of a node snapshot (then the session table's length and bytes, then the state machine's bytes).</summary>
    private const uint SnapshotMagic = 0x31534E52;

    private readonly Channel<ApplyWork> _applyQueue;
    private readonly SessionTable _sessions;
    private readonly List<(ulong Index, ulong ReadId)> _confirmedReads = [];
    private ulong _applied;
    private ulong _appliedTerm;
    private ConfigurationState _appliedConfiguration = ConfigurationState.Empty;
    private ulong _lastSnapshotIndex;
    private ulong _lastSnapshotFailureIndex;

    private async Task RunApplyLoopAsync()
    {
        var reader = _applyQueue.Reader;
        try
        {
            // No token: stopping completes the queue, and a wait with a token that can be cancelled allocates every time.
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var work))
                {
                    await ApplyAsync(work);
                }

                await ServeReadsAsync();
                if (_applied - Math.Max(_lastSnapshotIndex, _lastSnapshotFailureIndex) >= (ulong)_options.SnapshotThresholdEntries)
                {
                    try
                    {
                        await TakeSnapshotAsync();
                    }
                    catch (Exception exception) when (exception is not OperationCanceledException)
                    {
                        // The log keeps growing until a snapshot succeeds; try again after another threshold of entries.
                        _lastSnapshotFailureIndex = _applied;
                        Log.SnapshotFailed(_logger, Id, _applied, exception);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Fault(exception);
        }
    }

    private async ValueTask ApplyAsync(ApplyWork work)
    {
        switch (work)
        {
            case ApplyWork.Entries entries:
                for (var i = 0; i < entries.Committed.Count; i++)
                {
                    await ApplyEntryAsync(entries.Committed[i]);
                }

                _appliedConfiguration = entries.Configuration;
                break;
            case ApplyWork.Restore restore:
                if ((_snapshots.Current?.Index ?? 0) < restore.Metadata.Index)
                {
                    throw new InvalidOperationException(
                        $"The core installed snapshot {restore.Metadata.Index}, but the snapshot store holds {_snapshots.Current?.Index ?? 0}.");
                }

                await RestoreFromSnapshotStoreAsync(_stopping.Token);
                break;
            case ApplyWork.ReadsConfirmed confirmed:
                foreach (var state in confirmed.States)
                {
                    _confirmedReads.Add((state.Index, DecodeReadContext(state.Context)));
                }

                break;
            case ApplyWork.LeadershipLost lost:
                FailPending(index => new ProposalOutcomeUnknownException(index, lost.LeaderHint, "this node lost leadership before applying it"));
                break;
            case ApplyWork.Snapshot request:
                try
                {
                    request.Completion.TrySetResult(await TakeSnapshotAsync() ?? _lastSnapshotIndex);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    request.Completion.TrySetException(exception);
                }

                break;
        }
    }

    private async ValueTask ApplyEntryAsync(LogEntry entry)
    {
        if (entry.Index <= _applied)
        {
            // Covered by the snapshot the state machine was restored from.
            return;
        }

        var outcome = ApplyOutcome.Ok(default);
        if (entry.Kind == EntryKind.Normal)
        {
            outcome = await ApplyHostedAsync(entry);
        }

        _appliedTerm = entry.Term;
        Volatile.Write(ref _applied, entry.Index);
        CompletePending(entry, outcome);
    }

    private async ValueTask<ApplyOutcome> ApplyHostedAsync(LogEntry entry)
    {
        HostedEntry hosted;
        try
        {
            hosted = HostedEntry.Decode(entry.Data, entry.Index);
        }
        catch (FormatException exception)
        {
            throw new StateMachineFaultedException(entry.Index, exception);
        }

        _sessions.AdvanceClock(hosted.TimestampMilliseconds);
        switch (hosted.Kind)
        {
            case HostedEntryKind.Command:
                return ApplyOutcome.Ok(await ApplyToStateMachineAsync(Context(entry, 0), hosted.Payload));
            case HostedEntryKind.OpenSession:
                return _sessions.Open(entry.Index);
            case HostedEntryKind.CloseSession:
                return _sessions.Close(hosted.ClientId);
            case HostedEntryKind.KeepAlive:
                return _sessions.KeepAlive(hosted.ClientId, hosted.LowestUnacknowledged);
            default:
                if (_sessions.Check(hosted.ClientId, hosted.Sequence, hosted.LowestUnacknowledged) is { } decided)
                {
                    return decided;
                }

                var result = await ApplyToStateMachineAsync(Context(entry, hosted.ClientId), hosted.Payload);
                _sessions.Record(hosted.ClientId, hosted.Sequence, result);
                return ApplyOutcome.Ok(result);
        }
    }

    private ApplyContext Context(LogEntry entry, ulong clientId) =>
        new(entry.Index, entry.Term, DateTimeOffset.FromUnixTimeMilliseconds(_sessions.ClockMilliseconds), clientId);

    private async ValueTask<ReadOnlyMemory<byte>> ApplyToStateMachineAsync(ApplyContext context, ReadOnlyMemory<byte> command)
    {
        var index = context.Index;
        try
        {
            return await _stateMachine.ApplyAsync(context, command, _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            throw new StateMachineFaultedException(index, exception);
        }
    }

    private async ValueTask ServeReadsAsync()
    {
        if (_confirmedReads.Count == 0)
        {
            return;
        }

        var ready = _confirmedReads.Where(r => r.Index <= _applied).ToList();
        _confirmedReads.RemoveAll(r => r.Index <= _applied);
        foreach (var (_, readId) in ready)
        {
            if (TakeRead(readId) is not { } read)
            {
                continue;
            }

            try
            {
                read.Completion.TrySetResult(await _stateMachine.QueryAsync(read.Query, _stopping.Token));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A failing query affects only its caller; queries do not change the state.
                read.Completion.TrySetException(exception);
            }
        }
    }

    private async ValueTask<ulong?> TakeSnapshotAsync()
    {
        if (_applied == 0 || _applied == _lastSnapshotIndex || !await TryBeginSnapshotWriteAsync())
        {
            return null;
        }

        try
        {
            if (_snapshots.Current is { } current && current.Index >= _applied)
            {
                // A snapshot received from the leader is already newer; committing ours would put an older one in its place.
                return null;
            }

            var metadata = new SnapshotMetadata { Index = _applied, Term = _appliedTerm, Configuration = _appliedConfiguration };
            await using var writer = await _snapshots.CreateAsync(_stopping.Token);
            var sessions = _sessions.Serialize();
            var header = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(header, SnapshotMagic);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), sessions.Length);
            await writer.Stream.WriteAsync(header, _stopping.Token);
            await writer.Stream.WriteAsync(sessions, _stopping.Token);
            await _stateMachine.WriteSnapshotAsync(writer.Stream, _stopping.Token);
            await writer.Stream.FlushAsync(_stopping.Token);
            await writer.CommitAsync(metadata, _stopping.Token);
            _lastSnapshotIndex = metadata.Index;
            Log.SnapshotTaken(_logger, Id, metadata.Index, writer.Length);
            _inbox.Writer.TryWrite(new Input.SnapshotTaken(metadata));
            return metadata.Index;
        }
        finally
        {
            EndSnapshotWrite();
        }
    }

    private async Task RestoreFromSnapshotStoreAsync(CancellationToken cancellationToken)
    {
        var metadata = _snapshots.Current ?? throw new InvalidOperationException("The core installed a snapshot, but the snapshot store holds none.");
        if (metadata.Index <= _applied)
        {
            return;
        }

        await using var stream = await _snapshots.OpenReadAsync(cancellationToken);
        var header = new byte[8];
        await stream.ReadExactlyAsync(header, cancellationToken);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != SnapshotMagic)
        {
            throw new InvalidDataException($"Snapshot {metadata.Index} does not start with a RaftNode header; it was written by another host.");
        }

        var sessionsLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        if (sessionsLength < 0 || sessionsLength > stream.Length)
        {
            throw new InvalidDataException($"Snapshot {metadata.Index} claims a session table of {sessionsLength} bytes in a stream of {stream.Length}.");
        }

        var sessions = new byte[sessionsLength];
        await stream.ReadExactlyAsync(sessions, cancellationToken);
        _sessions.Restore(sessions);
        await _stateMachine.RestoreSnapshotAsync(stream, cancellationToken);
        Volatile.Write(ref _applied, metadata.Index);
        _appliedTerm = metadata.Term;
        _appliedConfiguration = metadata.Configuration;
        _lastSnapshotIndex = metadata.Index;
        Log.SnapshotRestored(_logger, Id, metadata.Index);
    }
}
