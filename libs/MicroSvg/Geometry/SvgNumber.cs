using System.Globalization;

namespace MicroSvg.Geometry;

/// <summary>Parsing and shortest formatting of SVG numbers.</summary>
internal static class SvgNumber
{
    /// <summary>Magnitude above which values are left as written instead of rounded.</summary>
    public const double MaxRoundable = 1e12;

    private static readonly double[] Powers = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14];

    /// <summary>Returns 10 to the given power (0 to 14).</summary>
    public static double Pow10(int decimals) => Powers[decimals];

    /// <summary>Reads one number at <paramref name="pos"/> after optional whitespace and one comma; false if none is there.</summary>
    public static bool TryRead(ReadOnlySpan<char> s, ref int pos, out double value, bool allowComma = true)
    {
        var i = SkipSeparators(s, pos, allowComma);
        var start = i;
        if (i < s.Length && s[i] is '+' or '-')
        {
            i++;
        }

        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            value = 0;
            return false;
        }

        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            if (j < s.Length && s[j] is '+' or '-')
            {
                j++;
            }

            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    j++;
                }

                i = j;
            }
        }

        if (!double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return false;
        }

        pos = i;
        return true;
    }

    /// <summary>Skips whitespace and at most one comma.</summary>
    public static int SkipSeparators(ReadOnlySpan<char> s, int pos, bool allowComma = true)
    {
        while (pos < s.Length && s[pos] is ' ' or '\t' or '\n' or '\r' or '\f')
        {
            pos++;
        }

        if (allowComma && pos < s.Length && s[pos] == ',')
        {
            pos++;
            while (pos < s.Length && s[pos] is ' ' or '\t' or '\n' or '\r' or '\f')
            {
                pos++;
            }
        }

        return pos;
    }

    /// <summary>Parses a whole string as one number (no unit).</summary>
    public static bool TryParse(string s, out double value)
    {
        var pos = 0;
        if (!TryRead(s.AsSpan().Trim(), ref pos, out value, allowComma: false))
        {
            return false;
        }

        return pos == s.AsSpan().Trim().Length;
    }

    /// <summary>Rounds to the given decimals as a scaled integer; false if too large to round safely.</summary>
    public static bool TryScale(double value, int decimals, out long scaled)
    {
        var x = value * Powers[decimals];
        if (!double.IsFinite(x) || Math.Abs(value) > MaxRoundable || Math.Abs(x) > 9e15)
        {
            scaled = 0;
            return false;
        }

        scaled = (long)Math.Round(x, MidpointRounding.AwayFromZero);
        return true;
    }

    /// <summary>Formats a value rounded to the given decimals in its shortest SVG form.</summary>
    public static string Format(double value, int decimals)
    {
        if (TryScale(value, decimals, out var scaled))
        {
            return FormatScaled(scaled, decimals);
        }

        return value.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e", StringComparison.Ordinal).Replace('E', 'e');
    }

    /// <summary>Formats <paramref name="scaled"/> / 10^<paramref name="decimals"/> in its shortest SVG form.</summary>
    public static string FormatScaled(long scaled, int decimals)
    {
        if (scaled == 0)
        {
            return "0";
        }

        var negative = scaled < 0;
        var digits = (negative ? -(decimal)scaled : scaled).ToString(CultureInfo.InvariantCulture);

        // Remove trailing zeros of the fraction.
        var exponent = -decimals;
        var end = digits.Length;
        while (end > 1 && digits[end - 1] == '0')
        {
            end--;
            exponent++;
        }

        var mantissa = digits[..end];
        string plain;
        if (exponent >= 0)
        {
            plain = mantissa + new string('0', exponent);
        }
        else if (-exponent >= mantissa.Length)
        {
            plain = "." + new string('0', -exponent - mantissa.Length) + mantissa;
        }
        else
        {
            plain = mantissa[..(mantissa.Length + exponent)] + "." + mantissa[(mantissa.Length + exponent)..];
        }

        var scientific = exponent == 0 ? plain : mantissa + "e" + exponent.ToString(CultureInfo.InvariantCulture);
        var best = scientific.Length < plain.Length ? scientific : plain;
        return negative ? "-" + best : best;
    }

    /// <summary>Returns a number of decimals that keeps rounding error below <paramref name="tolerance"/>.</summary>
    public static int DecimalsFor(double tolerance)
    {
        if (!(tolerance > 0) || !double.IsFinite(tolerance))
        {
            return 6;
        }

        var d = (int)Math.Ceiling(-Math.Log10(tolerance * 2));
        return Math.Clamp(d, 0, 12);
    }
}
