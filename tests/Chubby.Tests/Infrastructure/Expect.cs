namespace Chubby.Tests;

/// <summary>
/// Awaiting assertions for code inside the simulation: NUnit's Assert.ThrowsAsync waits synchronously, which would block the
/// simulator's only thread.
/// </summary>
internal static class Expect
{
    public static async Task<TException> ThrowsAsync<TException>(Func<Task> body)
        where TException : Exception
    {
        try
        {
            await body();
        }
        catch (TException exception)
        {
            return exception;
        }

        Assert.Fail($"expected {typeof(TException).Name}");
        throw new InvalidOperationException("unreachable");
    }

    public static async Task<ChubbyException> ErrorAsync(ChubbyErrorCode code, Func<Task> body)
    {
        var exception = await ThrowsAsync<ChubbyException>(body);
        Assert.That(exception.Code, Is.EqualTo(code), exception.Message);
        return exception;
    }
}
