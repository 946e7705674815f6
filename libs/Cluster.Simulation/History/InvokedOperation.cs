namespace Cluster.Simulation;

/// <summary>A call recorded in a <see cref="History{TInput, TOutput}"/>, waiting for its outcome.</summary>
/// <typeparam name="TInput">What the client asked for.</typeparam>
/// <typeparam name="TOutput">What the system answers.</typeparam>
/// <remarks>Record exactly one outcome; a second one throws <see cref="InvalidOperationException"/>. Thread-safe.</remarks>
public sealed class InvokedOperation<TInput, TOutput>
{
    private readonly History<TInput, TOutput> _history;

    internal InvokedOperation(History<TInput, TOutput> history, int clientId, TInput input, long call)
    {
        _history = history;
        ClientId = clientId;
        Input = input;
        Call = call;
        Return = Operation<TInput, TOutput>.NeverReturned;
    }

    /// <summary>The client that issued the operation.</summary>
    public int ClientId { get; }

    /// <summary>What the client asked for.</summary>
    public TInput Input { get; }

    /// <summary>When the call was recorded.</summary>
    public long Call { get; }

    /// <summary>When the answer was recorded; <see cref="Operation{TInput, TOutput}.NeverReturned"/> until then and for unknown or failed outcomes.</summary>
    public long Return { get; private set; }

    /// <summary>The answer, once <see cref="State"/> is <see cref="InvokedOperationState.Ok"/>.</summary>
    public TOutput? Output { get; private set; }

    /// <summary>The recorded outcome so far.</summary>
    public InvokedOperationState State { get; private set; }

    /// <summary>Records the answer.</summary>
    /// <exception cref="InvalidOperationException">An outcome was already recorded.</exception>
    public void Ok(TOutput output) => _history.Complete(this, InvokedOperationState.Ok, output);

    /// <summary>Records that the operation definitely did not take effect (for example, rejected before it was sent); it is dropped from the history.</summary>
    /// <exception cref="InvalidOperationException">An outcome was already recorded.</exception>
    public void Fail() => _history.Complete(this, InvokedOperationState.Failed, default);

    /// <summary>Records that the operation may or may not have taken effect (a timeout, a crash); the checker treats it as returning at infinity.</summary>
    /// <exception cref="InvalidOperationException">An outcome was already recorded.</exception>
    public void Unknown() => _history.Complete(this, InvokedOperationState.Unknown, default);

    internal void SetOutcome(InvokedOperationState state, TOutput? output, long @return)
    {
        State = state;
        Output = output;
        Return = @return;
    }
}
