using Cluster.Core;

namespace Raft.Core;

public sealed partial class RaftNode
{
    private const int MaxSnapshotChunkFailures = 5;

    private readonly Lock _snapshotWriteGate = new();
    private bool _snapshotWriteBusy;
    private IncomingSnapshot? _incoming;

    private async ValueTask<bool> TryBeginSnapshotWriteAsync()
    {
        lock (_snapshotWriteGate)
        {
            if (_snapshotWriteBusy)
            {
                return false;
            }

            _snapshotWriteBusy = true;
        }

        // A snapshot being received owns the store until it completes, unless its leader went quiet for long.
        if (_incoming is { } incoming)
        {
            if (_time.GetElapsedTime(incoming.LastChunkTimestamp) < _options.ElectionTimeout * 4)
            {
                EndSnapshotWrite();
                return false;
            }

            await AbortIncomingSnapshotAsync();
        }

        return true;
    }

    private void EndSnapshotWrite()
    {
        lock (_snapshotWriteGate)
        {
            _snapshotWriteBusy = false;
        }
    }

    /// <summary>
    /// The core decided <paramref name="to"/> needs a snapshot. Its message carries metadata only; the bytes are streamed from the
    /// snapshot store in chunks, each acknowledged with the offset the follower wants next, so a lost chunk costs one chunk.
    /// </summary>
    private void StartSnapshotTransfer(NodeId to, ulong term)
    {
        if (_outgoingSnapshots.ContainsKey(to))
        {
            return;
        }

        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        _outgoingSnapshots[to] = cancellation;
        _ = SendSnapshotAsync(to, term, cancellation);
    }

    private async Task SendSnapshotAsync(NodeId to, ulong term, CancellationTokenSource cancellation)
    {
        var succeeded = false;
        try
        {
            var metadata = _snapshots.Current ?? throw new InvalidOperationException("The core asked for a snapshot, but the snapshot store holds none.");
            Log.SnapshotSending(_logger, Id, metadata.Index, to);
            await using var stream = await _snapshots.OpenReadAsync(cancellation.Token);
            var buffer = new byte[_options.SnapshotChunkBytes];
            long offset = 0;
            var failures = 0;
            while (failures < MaxSnapshotChunkFailures)
            {
                stream.Position = offset;
                var length = await ReadFullAsync(stream, buffer, cancellation.Token);
                var chunk = new SnapshotChunk
                {
                    Term = term,
                    Metadata = metadata,
                    Offset = offset,
                    Data = buffer.AsMemory(0, length),
                    Done = offset + length >= stream.Length,
                };
                SnapshotChunkAck ack;
                try
                {
                    ack = await _bus.RequestAsync<SnapshotChunkAck>(to, chunk, _options.ElectionTimeout, cancellation.Token);
                }
                catch (Exception exception) when (exception is RpcTimeoutException or RemoteRpcException or UnknownPeerException)
                {
                    failures++;
                    continue;
                }

                if (ack.Term > term)
                {
                    return; // deposed; the core learns the new term from the follower's next message
                }

                if (ack.Complete)
                {
                    succeeded = true;
                    return;
                }

                if (ack.Refused)
                {
                    failures++;
                    await Task.Delay(_options.TickInterval, _time, cancellation.Token);
                    continue;
                }

                failures = 0;
                offset = Math.Clamp(ack.NextOffset, 0, stream.Length);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Log.SnapshotSendFailed(_logger, Id, to, exception);
        }
        finally
        {
            cancellation.Dispose();
            _inbox.Writer.TryWrite(new Input.SnapshotTransferEnded(to, succeeded));
        }
    }

    private static async ValueTask<int> ReadFullAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private async ValueTask<SnapshotChunkAck> HandleSnapshotChunkAsync(NodeId from, SnapshotChunk chunk, CancellationToken cancellationToken)
    {
        var term = PublishedStatus.Term;
        if (chunk.Term < term || _fault is not null || Volatile.Read(ref _disposed) != 0)
        {
            return new SnapshotChunkAck { Term = term, Refused = true };
        }

        lock (_snapshotWriteGate)
        {
            if (_snapshotWriteBusy)
            {
                return new SnapshotChunkAck { Term = term, Refused = true };
            }

            _snapshotWriteBusy = true;
        }

        try
        {
            if (chunk.Metadata.Index <= Math.Max(_snapshots.Current?.Index ?? 0, Volatile.Read(ref _applied)))
            {
                // Nothing to store: this node already has that state. Its core still answers, so the leader probes on.
                _inbox.Writer.TryWrite(new Input.SnapshotReceived(from, chunk.Term, chunk.Metadata));
                return new SnapshotChunkAck { Term = term, NextOffset = chunk.Offset + chunk.Data.Length, Complete = true };
            }

            if (chunk.Offset == 0 && (_incoming is null || _incoming.Metadata != chunk.Metadata || _incoming.Length > 0))
            {
                await AbortIncomingSnapshotAsync();
                _incoming = new IncomingSnapshot(chunk.Metadata, await _snapshots.CreateAsync(cancellationToken));
            }

            if (_incoming is not null)
            {
                _incoming.LastChunkTimestamp = _time.GetTimestamp();
            }

            if (_incoming is null || _incoming.Metadata != chunk.Metadata)
            {
                return new SnapshotChunkAck { Term = term, NextOffset = 0 };
            }

            if (chunk.Offset != _incoming.Length)
            {
                return new SnapshotChunkAck { Term = term, NextOffset = _incoming.Length };
            }

            await _incoming.Writer.Stream.WriteAsync(chunk.Data, cancellationToken);
            _incoming.Length += chunk.Data.Length;
            if (!chunk.Done)
            {
                return new SnapshotChunkAck { Term = term, NextOffset = _incoming.Length };
            }

            var incoming = _incoming;
            _incoming = null;
            await using (incoming.Writer)
            {
                await incoming.Writer.Stream.FlushAsync(cancellationToken);
                await incoming.Writer.CommitAsync(incoming.Metadata, cancellationToken);
            }

            Log.SnapshotReceived(_logger, Id, incoming.Metadata.Index, incoming.Length, from);
            _inbox.Writer.TryWrite(new Input.SnapshotReceived(from, chunk.Term, incoming.Metadata));
            return new SnapshotChunkAck { Term = term, NextOffset = incoming.Length, Complete = true };
        }
        catch (Exception) when (_incoming is not null)
        {
            await AbortIncomingSnapshotAsync();
            throw;
        }
        finally
        {
            EndSnapshotWrite();
        }
    }

    private async ValueTask AbortIncomingSnapshotAsync()
    {
        var incoming = _incoming;
        _incoming = null;
        if (incoming is not null)
        {
            await incoming.Writer.DisposeAsync();
        }
    }

    private sealed class IncomingSnapshot(SnapshotMetadata metadata, ISnapshotWriter writer)
    {
        public SnapshotMetadata Metadata { get; } = metadata;

        public ISnapshotWriter Writer { get; } = writer;

        public long Length { get; set; }

        public long LastChunkTimestamp { get; set; }
    }
}
