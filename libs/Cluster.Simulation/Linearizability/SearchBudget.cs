namespace Cluster.Simulation;

/// <summary>The explored-state budget and deadline shared by every partition of one check.</summary>
internal sealed class SearchBudget
{
    private readonly LinearizabilityCheckerOptions _options;
    private readonly CancellationToken _cancellationToken;
    private readonly long _start;

    public SearchBudget(LinearizabilityCheckerOptions options, CancellationToken cancellationToken)
    {
        _options = options;
        _cancellationToken = cancellationToken;
        _start = options.TimeProvider.GetTimestamp();
    }

    public long ExploredStates { get; private set; }

    public string? ExhaustedReason { get; private set; }

    /// <summary>Counts one explored state; false once the budget, the deadline or the token says stop.</summary>
    public bool TryExplore()
    {
        ExploredStates++;
        if (ExploredStates > _options.MaxExploredStates)
        {
            ExhaustedReason = $"explored-state budget of {_options.MaxExploredStates} exhausted";
            return false;
        }

        // Reading the clock on every step would dominate small steps; every 1024th is plenty for a deadline.
        if ((ExploredStates & 1023) == 0)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                ExhaustedReason = "cancelled";
                return false;
            }

            if (_options.Timeout != Timeout.InfiniteTimeSpan && _options.TimeProvider.GetElapsedTime(_start) > _options.Timeout)
            {
                ExhaustedReason = $"timeout of {_options.Timeout} reached";
                return false;
            }
        }

        return true;
    }
}
