using Cluster.Core;

namespace Haystack;

/// <summary>
/// An open volume file with a count of reads in flight, so a compaction can retire the old file only
/// after every read that started on it has finished.
/// </summary>
internal sealed class VolumeFile(IStorageFile handle)
{
    private readonly Lock _gate = new();
    private int _readers;
    private bool _retired;
    private TaskCompletionSource? _drained;

    public IStorageFile Handle { get; } = handle;

    public void AddReader()
    {
        lock (_gate)
        {
            Invariant.Check(!_retired, "A retired volume file takes no new readers.");
            _readers++;
        }
    }

    public ValueTask ReleaseReaderAsync()
    {
        lock (_gate)
        {
            _readers--;
            if (_readers > 0 || !_retired)
            {
                return ValueTask.CompletedTask;
            }

            _drained?.TrySetResult();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Takes no new readers, waits for the current ones, then closes the handle.</summary>
    public async Task RetireAsync()
    {
        Task wait;
        lock (_gate)
        {
            _retired = true;
            if (_readers == 0)
            {
                wait = Task.CompletedTask;
            }
            else
            {
                _drained = new TaskCompletionSource();
                wait = _drained.Task;
            }
        }

        await wait;
        await Handle.DisposeAsync();
    }
}
