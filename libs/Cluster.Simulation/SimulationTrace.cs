using System.Globalization;

namespace Cluster.Simulation;

/// <summary>
/// A running 64-bit hash of everything that happened in a simulation (every delivered message, timer,
/// disk operation and fault, with its virtual time), plus an optional bounded text log of the latest
/// entries for debugging. Two runs of one seed must end with the same <see cref="Hash"/>.
/// </summary>
/// <remarks>
/// The hash is FNV-1a applied to 64-bit words instead of bytes, with the high half folded down after each
/// word so that every input bit reaches every output bit; it is cheap enough to run on every event.
/// </remarks>
public sealed class SimulationTrace
{
    private const ulong OffsetBasis = 0xCBF29CE484222325UL;
    private const ulong Prime = 0x100000001B3UL;

    private readonly string[]? _lines;
    private int _nextLine;
    private long _lineCount;
    private ulong _hash = OffsetBasis;

    internal SimulationTrace(int textCapacity)
    {
        if (textCapacity > 0)
        {
            _lines = new string[textCapacity];
        }
    }

    /// <summary>The hash of every entry so far.</summary>
    public ulong Hash => _hash;

    /// <summary>How many entries were recorded.</summary>
    public long Count { get; private set; }

    /// <summary>Whether the text log is kept (see <see cref="SimulatorOptions.TraceTextCapacity"/>).</summary>
    public bool IsTextEnabled => _lines is not null;

    /// <summary>The latest text entries, oldest first; empty when the text log is off.</summary>
    public IReadOnlyList<string> RecentLines
    {
        get
        {
            if (_lines is null)
            {
                return [];
            }

            var count = (int)Math.Min(_lineCount, _lines.Length);
            var result = new string[count];
            var start = _lineCount > _lines.Length ? _nextLine : 0;
            for (var i = 0; i < count; i++)
            {
                result[i] = _lines[(start + i) % _lines.Length];
            }

            return result;
        }
    }

    /// <summary>Hashes a string with FNV-1a over its UTF-16 code units; stable across processes, unlike <c>string.GetHashCode</c>.</summary>
    public static ulong HashString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hash = OffsetBasis;
        foreach (var c in text)
        {
            hash = (hash ^ c) * Prime;
        }

        return hash;
    }

    /// <summary>Mixes an application-chosen value into the hash, e.g. a state checksum after each step.</summary>
    public void RecordCustom(long virtualTicks, ulong value)
    {
        Record(TraceEventKind.Custom, virtualTicks, value);
    }

    internal void Record(TraceEventKind kind, long time, ulong a, ulong b = 0, ulong c = 0)
    {
        var hash = _hash;
        hash = Mix(hash, (ulong)time);
        hash = Mix(hash, (ulong)kind);
        hash = Mix(hash, a);
        hash = Mix(hash, b);
        hash = Mix(hash, c);
        _hash = hash;
        Count++;
    }

    /// <summary>Adds a line to the text log; callers check <see cref="IsTextEnabled"/> first so formatting is skipped when off.</summary>
    internal void AddLine(long time, string text)
    {
        if (_lines is null)
        {
            return;
        }

        _lines[_nextLine] = string.Create(CultureInfo.InvariantCulture, $"{new TimeSpan(time).TotalSeconds,12:F6}s {text}");
        _nextLine = (_nextLine + 1) % _lines.Length;
        _lineCount++;
    }

    private static ulong Mix(ulong hash, ulong word)
    {
        hash = (hash ^ word) * Prime;
        return hash ^ (hash >> 32);
    }
}
