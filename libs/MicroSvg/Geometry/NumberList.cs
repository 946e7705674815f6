namespace MicroSvg.Geometry;

/// <summary>Reads lists of numbers and lengths.</summary>
internal static class NumberList
{
    /// <summary>Parses a whitespace- or comma-separated list of plain numbers; null when anything else is there.</summary>
    public static List<double>? Parse(string value)
    {
        var result = new List<double>();
        var s = value.AsSpan();
        var pos = 0;
        while (true)
        {
            var next = SvgNumber.SkipSeparators(s, pos, allowComma: false);
            if (next >= s.Length)
            {
                return result;
            }

            pos = result.Count == 0 ? next : pos;
            if (!SvgNumber.TryRead(s, ref pos, out var number, allowComma: result.Count > 0))
            {
                return null;
            }

            result.Add(number);
        }
    }

    /// <summary>Parses a length in user units (plain or px); null for other units or invalid input.</summary>
    public static double? ParseLength(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var v = value.Trim();
        if (v.EndsWith("px", StringComparison.Ordinal))
        {
            v = v[..^2];
        }

        return SvgNumber.TryParse(v, out var number) ? number : null;
    }
}
