namespace Cluster.Core.Tests.Runtime;

public sealed class AsyncLockTests
{
    [Test]
    public async Task Waiters_take_the_lock_in_the_order_they_asked()
    {
        var gate = new AsyncLock();
        await gate.WaitAsync();
        var order = new List<int>();
        var waiters = Enumerable.Range(1, 3).Select(async i =>
        {
            await gate.WaitAsync();
            order.Add(i);
            gate.Release();
        }).ToArray();

        Assert.That(order, Is.Empty, "nobody gets in while the lock is held");
        gate.Release();
        await Task.WhenAll(waiters);
        Assert.That(order, Is.EqualTo(new[] { 1, 2, 3 }));
        Assert.That(gate.TryEnter(), Is.True, "free again after the last release");
    }

    [Test]
    public async Task A_cancelled_waiter_leaves_the_queue_without_taking_the_lock()
    {
        var gate = new AsyncLock();
        Assert.That(gate.TryEnter(), Is.True);
        Assert.That(gate.TryEnter(), Is.False);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.WaitAsync(cancel.Token);
        var next = gate.WaitAsync();
        await cancel.CancelAsync();

        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        gate.Release();
        await next;
        Assert.That(gate.TryEnter(), Is.False, "the waiter behind the cancelled one holds it");
        gate.Release();
        Assert.That(gate.TryEnter(), Is.True);
    }

    [Test]
    public async Task A_waiter_resumes_on_its_own_synchronization_context()
    {
        var gate = new AsyncLock();
        await gate.WaitAsync();
        using var cancel = new CancellationTokenSource();
        var context = new RecordingContext();
        var previous = SynchronizationContext.Current;
        Task waiter;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            waiter = WaitThenReleaseAsync(gate, cancel.Token);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        gate.Release();
        context.RunPosted();
        await waiter;
        Assert.That(context.Posted, Is.GreaterThan(0), "the continuation went through the waiter's context, not the thread pool");
    }

    private static async Task WaitThenReleaseAsync(AsyncLock gate, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        gate.Release();
    }

    private sealed class RecordingContext : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();

        public int Posted { get; private set; }

        public override void Post(SendOrPostCallback d, object? state)
        {
            lock (_posted)
            {
                Posted++;
                _posted.Enqueue((d, state));
            }
        }

        public void RunPosted()
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                (SendOrPostCallback Callback, object? State) item;
                lock (_posted)
                {
                    if (!_posted.TryDequeue(out item))
                    {
                        if (Posted > 0)
                        {
                            return;
                        }

                        continue;
                    }
                }

                item.Callback(item.State);
            }
        }
    }
}
