using Cluster.Core;

namespace Haystack;

public sealed partial class PhysicalVolume
{
    private const string ReadOnlyFull = "full";

    private readonly Lock _flushLock = new();
    private readonly Queue<PendingNeedle> _pending = new();
    private long _appendedEnd;
    private long _durableEnd;
    private Task? _flushInProgress;
    private string? _readOnlyReason;
    private int _changesSinceCheckpoint;

    /// <summary>
    /// Appends a needle and returns once it is durable (covered by an fsync). A needle with the same key
    /// and alternate key replaces the older one; the newest wins.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The data is larger than <see cref="VolumeOptions.MaxNeedleDataBytes"/>.</exception>
    /// <exception cref="VolumeFullException">The needle does not fit; the volume is now read-only.</exception>
    /// <exception cref="InvalidOperationException">The volume is read-only.</exception>
    /// <exception cref="StorageFullException">The disk is full; nothing was acknowledged.</exception>
    public async Task WriteAsync(ulong key, uint alternateKey, ulong cookie, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (data.Length > _options.MaxNeedleDataBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"A needle holds at most {_options.MaxNeedleDataBytes} bytes (VolumeOptions.MaxNeedleDataBytes).");
        }

        var needle = new byte[NeedleFormat.NeedleBytes(data.Length)];
        NeedleFormat.Write(needle, key, alternateKey, cookie, data.Span);
        long end;
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ThrowIfReadOnly();
            if (_appendedEnd + needle.Length > _options.MaxVolumeBytes)
            {
                _readOnlyReason = ReadOnlyFull;
                throw new VolumeFullException(VolumeId, _appendedEnd, _options.MaxVolumeBytes);
            }

            var offset = await AppendNeedleAsync(needle, cancellationToken);
            end = offset + needle.Length;
            lock (_flushLock)
            {
                _pending.Enqueue(new PendingNeedle(key, alternateKey, new NeedleLocation(offset, needle.Length), end));
            }
        }
        finally
        {
            _writeGate.Release();
        }

        await FlushThroughAsync(end, cancellationToken);
        MaybeCheckpoint();
    }

    /// <summary>
    /// Deletes a needle: appends a durable tombstone, sets the needle's deleted flag in the volume file,
    /// and drops it from the index.
    /// </summary>
    /// <returns>False when no live needle had that key and alternate key.</returns>
    public async Task<bool> DeleteAsync(ulong key, uint alternateKey, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Deletes are acknowledged only once every earlier write is durable too, so the index
            // that answers this lookup is complete.
            await FlushThroughAsync(_appendedEnd, cancellationToken);
            NeedleLocation location;
            lock (_indexLock)
            {
                if (!_index.TryGet(key, alternateKey, out location))
                {
                    return false;
                }
            }

            // The durable record of the delete is a tombstone needle appended to the volume; a crash
            // can only tear it as the tail, where recovery cuts it off (the delete was not acknowledged).
            // Setting the flag on the needle itself, as the paper does, is then a hint for readers and
            // scans: if a crash tears those two bytes, the tombstone after them still decides.
            var tombstone = new byte[NeedleFormat.NeedleBytes(0)];
            NeedleFormat.Write(tombstone, key, alternateKey, cookie: 0, [], NeedleFormat.DeletedFlag);
            ThrowIfReadOnly();
            await AppendNeedleAsync(tombstone, cancellationToken);
            await FlushThroughAsync(_appendedEnd, cancellationToken, force: true);
            var flags = new byte[2];
            NeedleFormat.WriteFlags(flags, NeedleFormat.DeletedFlag);
            await _file.Handle.WriteAsync(location.Offset + NeedleFormat.FlagsOffset, flags, cancellationToken);
            lock (_indexLock)
            {
                _index.Remove(key, alternateKey);
            }

            RecordDeleteForCompaction(key, alternateKey, location);
        }
        finally
        {
            _writeGate.Release();
        }

        MaybeCheckpoint();
        return true;
    }

    private async Task<long> AppendNeedleAsync(byte[] needle, CancellationToken cancellationToken)
    {
        var offset = _appendedEnd;
        try
        {
            await _file.Handle.WriteAsync(offset, needle, cancellationToken);
        }
        catch (IOException)
        {
            // A failed append may have left part of the needle; cut it so the next append starts clean.
            await _file.Handle.SetLengthAsync(offset, CancellationToken.None);
            throw;
        }

        Interlocked.Exchange(ref _appendedEnd, offset + needle.Length);
        return offset;
    }

    /// <summary>
    /// Waits until an fsync covers every byte before <paramref name="end"/>. Callers that arrive while an
    /// fsync runs wait for it and then share the next one: one fsync per batch, not per write.
    /// </summary>
    private async Task FlushThroughAsync(long end, CancellationToken cancellationToken, bool force = false)
    {
        while (force || Interlocked.Read(ref _durableEnd) < end)
        {
            Task? running;
            TaskCompletionSource? mine = null;
            lock (_flushLock)
            {
                running = _flushInProgress;
                if (running is null)
                {
                    // Waiters resume synchronously (no RunContinuationsAsynchronously), so that under the simulator
                    // every continuation stays on its thread instead of hopping through the thread pool.
                    mine = new TaskCompletionSource();
                    _flushInProgress = mine.Task;
                }
            }

            if (running is not null)
            {
                await running.WaitAsync(cancellationToken);
                continue;
            }

            force = false;
            var target = Interlocked.Read(ref _appendedEnd);
            Exception? failure = null;
            try
            {
                await _file.Handle.FlushAsync(CancellationToken.None);
                ApplyDurable(target);
            }
            catch (Exception ex)
            {
                // After a failed fsync the kernel may have dropped the dirty pages: what is on disk is
                // unknown, so the volume stops taking writes rather than acknowledge on a guess.
                _readOnlyReason = "an fsync failed: " + ex.Message;
                FailPending();
                failure = ex;
            }

            // Clear the running flush before waking its waiters, so that a waiter whose bytes it did
            // not cover starts the next one instead of finding this one again.
            lock (_flushLock)
            {
                _flushInProgress = null;
            }

            if (failure is not null)
            {
                mine!.SetException(failure);
                throw failure;
            }

            mine!.SetResult();
        }
    }

    /// <summary>Publishes needles an fsync now covers to the index, in append order, so the newest write of a key wins.</summary>
    private void ApplyDurable(long durableEnd)
    {
        lock (_flushLock)
        {
            lock (_indexLock)
            {
                while (_pending.TryPeek(out var next) && next.End <= durableEnd)
                {
                    _pending.Dequeue();
                    _index.Set(next.Key, next.AlternateKey, next.Location);
                    _changesSinceCheckpoint++;
                }

                Interlocked.Exchange(ref _durableEnd, durableEnd);
            }
        }
    }

    private void FailPending()
    {
        lock (_flushLock)
        {
            _pending.Clear();
        }
    }

    private void ThrowIfReadOnly()
    {
        if (_readOnlyReason is { } reason)
        {
            throw reason == ReadOnlyFull
                ? new VolumeFullException(VolumeId, _appendedEnd, _options.MaxVolumeBytes)
                : new InvalidOperationException($"Volume {VolumeId} is read-only because {reason}; reopen it to recover.");
        }
    }

    private readonly record struct PendingNeedle(ulong Key, uint AlternateKey, NeedleLocation Location, long End);
}
