namespace Chubby;

/// <summary>
/// What a downstream server (a file server, a tablet server) uses to reject requests from a process that has lost its lock
/// (Chubby §2.4): it remembers the highest lock generation it has seen per lock and rejects anything older; optionally it also
/// asks the cell whether the sequencer is still current, which catches a holder whose lock ended without a successor yet.
/// </summary>
/// <remarks>Thread-safe. Remembers at most <see cref="MaxLocks"/> lock names; the oldest name is forgotten beyond that.</remarks>
public sealed class SequencerValidator
{
    /// <summary>Default of <see cref="MaxLocks"/>.</summary>
    public const int DefaultMaxLocks = 4096;

    private readonly Func<Sequencer, CancellationToken, Task<bool>>? _checkWithCell;
    private readonly Dictionary<string, ulong> _highest = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _gate = new();

    /// <summary>Creates a validator.</summary>
    /// <param name="checkWithCell">Asks the cell whether a sequencer is current (for example <see cref="ChubbyClient.CheckSequencerAsync"/>); null to rely on generations alone.</param>
    /// <param name="maxLocks">How many lock names to remember.</param>
    public SequencerValidator(Func<Sequencer, CancellationToken, Task<bool>>? checkWithCell = null, int maxLocks = DefaultMaxLocks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLocks, 1);
        _checkWithCell = checkWithCell;
        MaxLocks = maxLocks;
    }

    /// <summary>How many lock names the validator remembers.</summary>
    public int MaxLocks { get; }

    /// <summary>Whether <paramref name="sequencer"/> is at least as new as any seen for its lock (and current at the cell, when asked to check).</summary>
    public async Task<bool> IsValidAsync(Sequencer sequencer, CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureValidAsync(sequencer, cancellationToken);
            return true;
        }
        catch (StaleSequencerException)
        {
            return false;
        }
    }

    /// <summary>Throws when <paramref name="sequencer"/> is stale; otherwise remembers its generation.</summary>
    /// <exception cref="StaleSequencerException">A newer holder has been seen, or the cell says the lock is no longer held with this generation.</exception>
    public async Task EnsureValidAsync(Sequencer sequencer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequencer);
        lock (_gate)
        {
            if (_highest.TryGetValue(sequencer.Path, out var highest))
            {
                if (sequencer.LockGeneration < highest)
                {
                    throw new StaleSequencerException(sequencer, $"generation {highest} of this lock has already been seen");
                }
            }
            else
            {
                _order.Enqueue(sequencer.Path);
                if (_order.Count > MaxLocks)
                {
                    _highest.Remove(_order.Dequeue());
                }
            }

            _highest[sequencer.Path] = Math.Max(highest, sequencer.LockGeneration);
        }

        if (_checkWithCell is not null && !await _checkWithCell(sequencer, cancellationToken))
        {
            throw new StaleSequencerException(sequencer, "the cell says the lock is no longer held with this generation");
        }
    }
}
