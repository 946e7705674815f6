namespace Chubby;

/// <summary>A change waiting until every session that may cache what it changes has dropped it, or has expired (Chubby §2.5).</summary>
internal sealed class PendingInvalidation
{
    public int Remaining { get; set; }

    public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release()
    {
        if (--Remaining == 0)
        {
            Completion.TrySetResult();
        }
    }
}
