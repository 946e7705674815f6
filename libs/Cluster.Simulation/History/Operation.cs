namespace Cluster.Simulation;

/// <summary>
/// One client operation of a recorded history: what was asked, what came back, and the interval in
/// which it took effect (somewhere between <see cref="Call"/> and <see cref="Return"/>).
/// </summary>
/// <typeparam name="TInput">What the client asked for.</typeparam>
/// <typeparam name="TOutput">What the system answered.</typeparam>
/// <param name="ClientId">The client (process) that issued the operation; used only in descriptions.</param>
/// <param name="Input">What the client asked for.</param>
/// <param name="Output">The answer; meaningless (default) when <see cref="OutcomeKnown"/> is false.</param>
/// <param name="Call">When the call started, on the history's time line.</param>
/// <param name="Return">When the answer arrived; <see cref="NeverReturned"/> when the outcome is unknown.</param>
/// <remarks>
/// Times are ordering values, not durations: an operation <c>a</c> precedes <c>b</c> in real time exactly
/// when <c>a.Return &lt; b.Call</c>. Equal values are treated as concurrent. An operation whose outcome is
/// unknown (a timeout, a crash of the client) may have taken effect at any point after its call, or never;
/// following Jepsen and Porcupine it is given a return at infinity.
/// </remarks>
public sealed record Operation<TInput, TOutput>(int ClientId, TInput Input, TOutput? Output, long Call, long Return)
{
    /// <summary>The <see cref="Return"/> of an operation whose outcome is unknown: infinitely late.</summary>
#pragma warning disable CA1000 // A constant on the generic record keeps it next to the property it describes.
    public const long NeverReturned = long.MaxValue;
#pragma warning restore CA1000

    /// <summary>Whether the answer arrived, so <see cref="Output"/> means something.</summary>
    public bool OutcomeKnown => Return != NeverReturned;

    /// <summary>Creates an operation whose answer is known.</summary>
    public static Operation<TInput, TOutput> Completed(int clientId, TInput input, TOutput output, long call, long @return) =>
        new(clientId, input, output, call, @return);

    /// <summary>Creates an operation that was called but whose outcome is unknown: it may or may not have taken effect.</summary>
    public static Operation<TInput, TOutput> Unknown(int clientId, TInput input, long call) =>
        new(clientId, input, default, call, NeverReturned);
}
