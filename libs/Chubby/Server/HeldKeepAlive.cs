namespace Chubby;

/// <summary>A KeepAlive the master holds (Chubby §2.8).</summary>
internal sealed class HeldKeepAlive(long receivedAtMilliseconds)
{
    public long ReceivedAtMilliseconds { get; } = receivedAtMilliseconds;

    public TaskCompletionSource<KeepAliveResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
