using Cluster.Core;

namespace Haystack;

/// <summary>
/// An open volume file with a count of reads in flight, so a compaction can retire the old file only
/// after every read that started on it has finished.
/// </summary>
/// <remarks>
/// Every read passes through here twice, so the count is kept with interlocked operations rather than a lock. Readers are
/// added under the volume's index lock, before the file is swapped out; the retiring side and the last reader may both see
/// the count reach zero, and completing the drain twice is harmless.
/// </remarks>
internal sealed class VolumeFile(IStorageFile handle)
{
    private readonly TaskCompletionSource _drained = new();
    private int _readers;
    private int _retired;

    public IStorageFile Handle { get; } = handle;

    public void AddReader()
    {
        Interlocked.Increment(ref _readers);
        Invariant.Check(Volatile.Read(ref _retired) == 0, "A retired volume file takes no new readers.");
    }

    public void ReleaseReader()
    {
        // The decrement is a full fence, so a retirement that saw readers left is seen here.
        if (Interlocked.Decrement(ref _readers) == 0 && Volatile.Read(ref _retired) != 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Takes no new readers, waits for the current ones, then closes the handle.</summary>
    public async Task RetireAsync()
    {
        // The exchange is a full fence, so a reader that decrements after this read of the count sees the flag.
        Interlocked.Exchange(ref _retired, 1);
        if (Volatile.Read(ref _readers) == 0)
        {
            _drained.TrySetResult();
        }

        await _drained.Task;
        await Handle.DisposeAsync();
    }
}
