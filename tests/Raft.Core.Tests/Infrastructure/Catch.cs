namespace Raft.Core.Tests.Infrastructure;

/// <summary>
/// Awaits an action and returns what it threw. Inside a simulation, NUnit's <c>Assert.That(async () => ...)</c> would block the
/// simulator's thread on a task that needs the simulator to run, so simulated tests await through this instead.
/// </summary>
internal static class Catch
{
    public static async Task<Exception?> ExceptionAsync(Func<ValueTask> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
