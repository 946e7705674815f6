namespace Gfs;

/// <summary>
/// Read/write locks on path names (SOSP'03 §4.1): an operation read-locks every ancestor of the paths it touches and read- or
/// write-locks the paths themselves, so a snapshot of /home/user (write lock) and a file creation in it (read lock on
/// /home/user) exclude each other, while creations in one directory run concurrently. Locks are taken in one total order
/// (by depth, then ordinally) to avoid deadlock, and exist only while held.
/// </summary>
/// <remarks>Waiters are served in arrival order per path, so a writer is not starved by a stream of readers. Thread-safe.</remarks>
internal sealed class NamespaceLocks
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PathLock> _locks = new(StringComparer.Ordinal);

    /// <summary>The number of paths locked or waited on now.</summary>
    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _locks.Count;
            }
        }
    }

    /// <summary>Locks <paramref name="writePaths"/> for writing, <paramref name="readPaths"/> for reading and every ancestor of both for reading.</summary>
    public async Task<Releaser> AcquireAsync(IEnumerable<string> readPaths, IEnumerable<string> writePaths, CancellationToken cancellationToken)
    {
        var wanted = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var path in writePaths)
        {
            wanted[path] = true;
        }

        foreach (var path in readPaths.Concat(wanted.Keys.ToList()).SelectMany(p => GfsPath.Ancestors(p).Append(p)))
        {
            wanted.TryAdd(path, false);
        }

        var ordered = wanted
            .OrderBy(p => p.Key == GfsPath.Root ? 0 : p.Key.Count(c => c == '/'))
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        var held = new List<(string Path, bool Write)>(ordered.Count);
        try
        {
            foreach (var (path, write) in ordered)
            {
                await AcquireOneAsync(path, write, cancellationToken);
                held.Add((path, write));
            }
        }
        catch
        {
            Release(held);
            throw;
        }

        return new Releaser(this, held);
    }

    private Task AcquireOneAsync(string path, bool write, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_locks.TryGetValue(path, out var state))
            {
                state = new PathLock();
                _locks[path] = state;
            }

            if (state.Waiters.Count == 0 && (write ? state.Readers == 0 && !state.Writer : !state.Writer))
            {
                Grant(state, write);
                return Task.CompletedTask;
            }

            var waiter = new Waiter(write, new TaskCompletionSource());
            state.Waiters.AddLast(waiter);
            if (cancellationToken.CanBeCanceled)
            {
                waiter.Registration = cancellationToken.Register(() => Cancel(path, waiter, cancellationToken));
            }

            return waiter.Completion.Task;
        }
    }

    private void Cancel(string path, Waiter waiter, CancellationToken cancellationToken)
    {
        List<Waiter> woken;
        lock (_gate)
        {
            if (!_locks.TryGetValue(path, out var state) || !state.Waiters.Remove(waiter))
            {
                return;
            }

            woken = WakeWaiters(path, state);
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
        foreach (var next in woken)
        {
            next.Registration.Dispose();
            next.Completion.TrySetResult();
        }
    }

    private void Release(List<(string Path, bool Write)> held)
    {
        var woken = new List<Waiter>();
        lock (_gate)
        {
            foreach (var (path, write) in held)
            {
                var state = _locks[path];
                if (write)
                {
                    state.Writer = false;
                }
                else
                {
                    state.Readers--;
                }

                woken.AddRange(WakeWaiters(path, state));
            }
        }

        foreach (var waiter in woken)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult();
        }
    }

    private List<Waiter> WakeWaiters(string path, PathLock state)
    {
        var woken = new List<Waiter>();
        while (state.Waiters.First is { } first)
        {
            var next = first.Value;
            if (next.Write ? state.Readers > 0 || state.Writer : state.Writer)
            {
                break;
            }

            state.Waiters.RemoveFirst();
            Grant(state, next.Write);
            woken.Add(next);
        }

        if (state.Readers == 0 && !state.Writer && state.Waiters.Count == 0)
        {
            _locks.Remove(path);
        }

        return woken;
    }

    private static void Grant(PathLock state, bool write)
    {
        if (write)
        {
            state.Writer = true;
        }
        else
        {
            state.Readers++;
        }
    }

    /// <summary>Releases the locks of one acquisition when disposed.</summary>
    internal sealed class Releaser(NamespaceLocks owner, List<(string Path, bool Write)> held) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(held);
            }
        }
    }

    private sealed class PathLock
    {
        public int Readers { get; set; }

        public bool Writer { get; set; }

        public LinkedList<Waiter> Waiters { get; } = new();
    }

    private sealed class Waiter(bool write, TaskCompletionSource completion)
    {
        public bool Write { get; } = write;

        public TaskCompletionSource Completion { get; } = completion;

        public CancellationTokenRegistration Registration { get; set; }
    }
}
