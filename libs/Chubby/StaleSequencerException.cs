namespace Chubby;

/// <summary>A request carried a sequencer for a lock that has since changed hands; the sender is no longer the lock holder.</summary>
public sealed class StaleSequencerException : ChubbyException
{
    /// <summary>Creates the exception.</summary>
    public StaleSequencerException(Sequencer sequencer, string reason)
        : base(ChubbyErrorCode.StaleSequencer, sequencer?.Path, $"Sequencer {sequencer} is stale: {reason}.")
    {
        Sequencer = sequencer!;
    }

    /// <summary>The rejected sequencer.</summary>
    public Sequencer Sequencer { get; }
}
