namespace Cluster.Core.Tests.Infrastructure;

/// <summary>Waits for a condition that real sockets make true at some point; the guard only bounds a failing test.</summary>
public static class Eventually
{
    /// <summary>A generous bound for a loaded two-core machine; it is never the thing asserted.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);

    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? guard = null)
    {
        var deadline = TimeProvider.System.GetTimestamp() + (long)((guard ?? Guard).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (!condition())
        {
            if (TimeProvider.System.GetTimestamp() > deadline)
            {
                Assert.Fail($"Timed out waiting for {what}.");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Awaits a task, failing the test if it has not finished within the guard.</summary>
    public static async Task<T> WithinGuard<T>(Task<T> task, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(Guard));
        if (finished != task)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }

        return await task;
    }

    /// <summary>Awaits a task, failing the test if it has not finished within the guard.</summary>
    public static async Task WithinGuard(Task task, string what)
    {
        var finished = await Task.WhenAny(task, Task.Delay(Guard));
        if (finished != task)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }

        await task;
    }
}
