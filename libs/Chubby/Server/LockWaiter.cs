namespace Chubby;

/// <summary>A blocking Acquire waiting for a lock to be released, its lock-delay to end, or its wait to run out.</summary>
internal sealed class LockWaiter(long retryAtMilliseconds)
{
    public long RetryAtMilliseconds { get; } = retryAtMilliseconds;

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
