using System.Globalization;

namespace Gfs;

/// <summary>
/// The names of a chunk's files: <c>{prefix}{handle:x16}.dat</c> for the data, <c>.meta</c> for the metadata journal and
/// <c>.meta.tmp</c> for a journal being rewritten.
/// </summary>
internal static class ChunkFileNames
{
    public const string DataSuffix = ".dat";
    public const string JournalSuffix = ".meta";
    public const string TemporarySuffix = ".meta.tmp";
    private const int HandleDigits = 16;

    public static string DataName(string prefix, ulong handle) => Name(prefix, handle, DataSuffix);

    public static string JournalName(string prefix, ulong handle) => Name(prefix, handle, JournalSuffix);

    public static string TemporaryName(string prefix, ulong handle) => Name(prefix, handle, TemporarySuffix);

    /// <summary>Parses a name listed under <paramref name="prefix"/>; false for names the store does not own.</summary>
    public static bool TryParse(string prefix, string name, out ulong handle, out string suffix)
    {
        handle = 0;
        suffix = string.Empty;
        if (!name.StartsWith(prefix, StringComparison.Ordinal) || name.Length < prefix.Length + HandleDigits)
        {
            return false;
        }

        var digits = name.AsSpan(prefix.Length, HandleDigits);
        var rest = name[(prefix.Length + HandleDigits)..];
        if (rest is not (DataSuffix or JournalSuffix or TemporarySuffix))
        {
            return false;
        }

        // Exactly sixteen lower-case hex digits, so each handle has one spelling and one set of files.
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        handle = ulong.Parse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        suffix = rest;
        return true;
    }

    private static string Name(string prefix, ulong handle, string suffix) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}{handle:x16}{suffix}");
}
