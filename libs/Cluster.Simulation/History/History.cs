namespace Cluster.Simulation;

/// <summary>
/// Records the client operations of a test run for a linearizability check: each call with
/// <see cref="Invoke"/>, each answer through the returned <see cref="InvokedOperation{TInput, TOutput}"/>.
/// </summary>
/// <typeparam name="TInput">What clients ask for.</typeparam>
/// <typeparam name="TOutput">What the system answers.</typeparam>
/// <remarks>
/// <para>Thread-safe: clients on several threads may record at once. Every recorded event gets a strictly
/// larger time than the one before, so the recorded order of events is the real-time order the checker
/// sees; with a <see cref="TimeProvider"/> the times follow its timestamps (bumped by one where two
/// events share a timestamp), otherwise a logical counter.</para>
/// <para>Outcomes: <see cref="InvokedOperation{TInput, TOutput}.Ok"/> records the answer;
/// <see cref="InvokedOperation{TInput, TOutput}.Fail"/> says the operation definitely did not take
/// effect, so it is dropped; <see cref="InvokedOperation{TInput, TOutput}.Unknown"/>, or no outcome at
/// all, says it may or may not have taken effect, so it gets a return at infinity.</para>
/// </remarks>
public sealed class History<TInput, TOutput>
{
    private readonly object _gate = new();
    private readonly TimeProvider? _timeProvider;
    private readonly List<InvokedOperation<TInput, TOutput>> _operations = [];
    private long _lastTime;

    /// <summary>Creates a history whose times come from a logical counter.</summary>
    public History()
    {
    }

    /// <summary>Creates a history whose times follow <paramref name="timeProvider"/>'s timestamps.</summary>
    public History(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <summary>The number of operations invoked so far, failed ones included.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _operations.Count;
            }
        }
    }

    /// <summary>Records the call of an operation by <paramref name="clientId"/>.</summary>
    /// <returns>The handle on which to record the outcome.</returns>
    public InvokedOperation<TInput, TOutput> Invoke(int clientId, TInput input)
    {
        lock (_gate)
        {
            var operation = new InvokedOperation<TInput, TOutput>(this, clientId, input, NextTime());
            _operations.Add(operation);
            return operation;
        }
    }

    /// <summary>
    /// The operations recorded so far in call order, for the checker: failed operations are left out and
    /// operations without an answer (unknown or still running) get <see cref="Operation{TInput, TOutput}.NeverReturned"/>.
    /// </summary>
    public IReadOnlyList<Operation<TInput, TOutput>> ToOperations()
    {
        lock (_gate)
        {
            var result = new List<Operation<TInput, TOutput>>(_operations.Count);
            foreach (var invoked in _operations)
            {
                switch (invoked.State)
                {
                    case InvokedOperationState.Failed:
                        break;
                    case InvokedOperationState.Ok:
                        result.Add(new Operation<TInput, TOutput>(invoked.ClientId, invoked.Input, invoked.Output, invoked.Call, invoked.Return));
                        break;
                    default:
                        result.Add(Operation<TInput, TOutput>.Unknown(invoked.ClientId, invoked.Input, invoked.Call));
                        break;
                }
            }

            return result;
        }
    }

    /// <summary>Completes <paramref name="operation"/> under the history's lock, stamping its return time when it has an answer.</summary>
    internal void Complete(InvokedOperation<TInput, TOutput> operation, InvokedOperationState state, TOutput? output)
    {
        lock (_gate)
        {
            if (operation.State != InvokedOperationState.Running)
            {
                throw new InvalidOperationException(
                    $"Operation {operation.Input} of client {operation.ClientId} already completed as {operation.State}; an operation has exactly one outcome.");
            }

            operation.SetOutcome(state, output, state == InvokedOperationState.Ok ? NextTime() : Operation<TInput, TOutput>.NeverReturned);
        }
    }

    private long NextTime()
    {
        // Strictly increasing, so two events recorded one after the other are never mistaken for concurrent ones.
        var now = _timeProvider?.GetTimestamp() ?? 0;
        _lastTime = Math.Max(_lastTime + 1, now);
        return _lastTime;
    }
}
