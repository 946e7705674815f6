namespace Gfs.Tests.Chunkserver;

/// <summary>
/// Awaits an operation expected to fail. Unlike <c>Assert.ThrowsAsync</c>, which blocks on the task, this keeps the simulator's
/// single thread free to complete the fsyncs the operation waits for.
/// </summary>
internal static class Expect
{
    public static async Task<T> ThrowsAsync<T>(Func<Task> operation)
        where T : Exception
    {
        try
        {
            await operation();
        }
        catch (T expected)
        {
            return expected;
        }

        Assert.Fail($"Expected {typeof(T).Name}, but the operation succeeded.");
        throw new InvalidOperationException("unreachable");
    }
}
