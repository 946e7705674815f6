namespace Cluster.Simulation;

/// <summary>The verdict of <see cref="LinearizabilityChecker"/> with its evidence.</summary>
/// <typeparam name="TInput">What clients ask for.</typeparam>
/// <typeparam name="TOutput">What the system answers.</typeparam>
/// <remarks>
/// Tests should call <see cref="EnsureLinearizable"/> (or assert <c>Verdict == Ok</c>): it throws both when the
/// history is illegal and when the check was inconclusive, because a check that gave up proves nothing.
/// </remarks>
public sealed class LinearizabilityResult<TInput, TOutput>
{
    internal LinearizabilityResult(
        LinearizabilityVerdict verdict,
        LinearizabilityCounterexample<TInput, TOutput>? counterexample,
        string? unknownReason,
        long exploredStates,
        int partitionCount)
    {
        Verdict = verdict;
        Counterexample = counterexample;
        UnknownReason = unknownReason;
        ExploredStates = exploredStates;
        PartitionCount = partitionCount;
    }

    /// <summary>Ok, Illegal, or Unknown when the checker gave up.</summary>
    public LinearizabilityVerdict Verdict { get; }

    /// <summary>True only when the history was shown to be linearizable; false for Illegal and for Unknown.</summary>
    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Ok;

    /// <summary>The counterexample when <see cref="Verdict"/> is <see cref="LinearizabilityVerdict.Illegal"/>; otherwise null.</summary>
    public LinearizabilityCounterexample<TInput, TOutput>? Counterexample { get; }

    /// <summary>Why the checker gave up when <see cref="Verdict"/> is <see cref="LinearizabilityVerdict.Unknown"/>; otherwise null.</summary>
    public string? UnknownReason { get; }

    /// <summary>How many search steps the check took over all partitions.</summary>
    public long ExploredStates { get; }

    /// <summary>How many independent partitions the history was split into.</summary>
    public int PartitionCount { get; }

    /// <summary>Throws unless the history was shown to be linearizable.</summary>
    /// <exception cref="NonLinearizableHistoryException">The verdict is Illegal; the message holds the counterexample.</exception>
    /// <exception cref="LinearizabilityCheckInconclusiveException">The verdict is Unknown: the checker gave up.</exception>
    public void EnsureLinearizable()
    {
        switch (Verdict)
        {
            case LinearizabilityVerdict.Ok:
                return;
            case LinearizabilityVerdict.Illegal:
                throw new NonLinearizableHistoryException(Counterexample?.Description ?? "(no counterexample)");
            default:
                throw new LinearizabilityCheckInconclusiveException(UnknownReason ?? "no verdict");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Verdict switch
    {
        LinearizabilityVerdict.Ok => $"Ok: linearizable ({PartitionCount} partitions, {ExploredStates} states explored)",
        LinearizabilityVerdict.Illegal => $"Illegal: not linearizable. {Counterexample?.Description}",
        _ => $"Unknown: inconclusive, {UnknownReason} ({ExploredStates} states explored)",
    };
}
