namespace Cluster.Core;

/// <summary>
/// A first-come, first-served asynchronous mutex whose waiters resume on their own scheduler. A contended, cancellable
/// <see cref="SemaphoreSlim.WaitAsync(CancellationToken)"/> resumes its waiter on the thread pool, which takes it off the
/// caller's synchronization context and so out of a single-threaded deterministic simulation; this lock does not.
/// </summary>
public sealed class AsyncLock
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private bool _held;

    /// <summary>Waits until the lock is free and takes it.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }

            var waiter = new Waiter();
            var node = _waiters.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(() =>
                {
                    lock (_gate)
                    {
                        if (node.List is null)
                        {
                            return;
                        }

                        _waiters.Remove(node);
                    }

                    waiter.Completion.TrySetCanceled(cancellationToken);
                });
            }

            return waiter.Completion.Task;
        }
    }

    /// <summary>Takes the lock if it is free, without waiting.</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (_held)
            {
                return false;
            }

            _held = true;
            return true;
        }
    }

    /// <summary>Hands the lock to the next waiter, or frees it.</summary>
    public void Release()
    {
        Waiter? next;
        lock (_gate)
        {
            if (_waiters.First is { } first)
            {
                next = first.Value;
                _waiters.RemoveFirst();
            }
            else
            {
                next = null;
                _held = false;
            }
        }

        if (next is not null)
        {
            next.Registration.Dispose();
            next.Completion.TrySetResult();
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
