using System.Globalization;
using MessagePack;

namespace Chubby;

/// <summary>
/// An opaque-looking proof that a lock was held (Chubby §2.4): the lock's name, the mode and the lock generation when it was
/// acquired. A lock holder passes it to the servers it sends work to, which reject it once a later holder has shown a newer one
/// (<see cref="SequencerValidator"/>) or once the cell says it is no longer current (<see cref="ChubbyClient.CheckSequencerAsync"/>).
/// </summary>
[MessagePackObject]
public sealed record Sequencer
{
    /// <summary>Creates a sequencer.</summary>
    public Sequencer(string path, LockMode mode, ulong lockGeneration)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Mode = mode;
        LockGeneration = lockGeneration;
    }

    /// <summary>The lock's name: the path of the node it belongs to.</summary>
    [Key(0)]
    public string Path { get; init; }

    /// <summary>The mode the lock was held in.</summary>
    [Key(1)]
    public LockMode Mode { get; init; }

    /// <summary>The node's lock generation when the lock was acquired.</summary>
    [Key(2)]
    public ulong LockGeneration { get; init; }

    /// <summary>The text form, <c>path#mode#generation</c>, to put in other systems' requests.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}#{(Mode == LockMode.Exclusive ? "x" : "s")}#{LockGeneration}");

    /// <summary>Parses the text form written by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">The text is not a sequencer.</exception>
    public static Sequencer Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split('#');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1] is not ("x" or "s")
            || !ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
        {
            throw new FormatException($"'{text}' is not a sequencer; expected path#x|s#generation.");
        }

        return new Sequencer(parts[0], parts[1] == "x" ? LockMode.Exclusive : LockMode.Shared, generation);
    }
}
