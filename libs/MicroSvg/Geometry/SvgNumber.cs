using System.Globalization;

namespace MicroSvg.Geometry;

/// <summary>Parsing and shortest formatting of SVG numbers.</summary>
internal static class SvgNumber
{
    /// <summary>Magnitude above which values are left as written instead of rounded.</summary>
    public const double MaxRoundable = 1e12;

    private static readonly double[] Powers22 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

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

        if (!TryParseFast(s[start..i], out value)
            && (!double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value)))
        {
            return false;
        }

        pos = i;
        return true;
    }

    /// <summary>
    /// Parses a number already known to be well formed when its digits fit a double exactly and its
    /// power of ten is exact too; one IEEE multiplication or division then rounds correctly (Clinger's
    /// fast path), giving the same value as <see cref="double.Parse(string)"/>. Returns false otherwise.
    /// </summary>
    private static bool TryParseFast(ReadOnlySpan<char> token, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (token[0] is '+' or '-')
        {
            negative = token[0] == '-';
            i++;
        }

        ulong mantissa = 0;
        var significant = 0;
        var exponent = 0;
        var fraction = false;
        for (; i < token.Length; i++)
        {
            var c = token[i];
            if (c == '.')
            {
                fraction = true;
                continue;
            }

            if (c is 'e' or 'E')
            {
                break;
            }

            if (mantissa != 0 || c != '0')
            {
                if (++significant > 15)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + (ulong)(c - '0');
            }

            if (fraction)
            {
                exponent--;
            }
        }

        if (i < token.Length)
        {
            if (!int.TryParse(token[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var written) || written is > 400 or < -400)
            {
                return false;
            }

            exponent += written;
        }

        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
            return true;
        }

        if (exponent is > 22 or < -22)
        {
            return false;
        }

        value = exponent < 0 ? mantissa / Powers22[-exponent] : mantissa * Powers22[exponent];
        value = negative ? -value : value;
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

    /// <summary>The most characters <see cref="WriteScaled"/> writes.</summary>
    public const int MaxScaledChars = 48;

    /// <summary>Formats <paramref name="scaled"/> / 10^<paramref name="decimals"/> in its shortest SVG form.</summary>
    public static string FormatScaled(long scaled, int decimals)
    {
        Span<char> buffer = stackalloc char[MaxScaledChars];
        return new string(buffer[..WriteScaled(scaled, decimals, buffer)]);
    }

    /// <summary>
    /// Writes <paramref name="scaled"/> / 10^<paramref name="decimals"/> in its shortest SVG form (no
    /// leading zero, no trailing fraction zeros, scientific notation where shorter) without allocating;
    /// returns the characters written. <paramref name="destination"/> needs <see cref="MaxScaledChars"/>.
    /// </summary>
    public static int WriteScaled(long scaled, int decimals, Span<char> destination)
    {
        if (scaled == 0)
        {
            destination[0] = '0';
            return 1;
        }

        var negative = scaled < 0;
        var magnitude = negative ? (ulong)(-(scaled + 1)) + 1 : (ulong)scaled;
        Span<char> digits = stackalloc char[20];
        magnitude.TryFormat(digits, out var count, default, CultureInfo.InvariantCulture);

        // Remove trailing zeros of the fraction.
        var exponent = -decimals;
        while (count > 1 && digits[count - 1] == '0')
        {
            count--;
            exponent++;
        }

        var mantissa = digits[..count];
        var plainLength = exponent >= 0 ? count + exponent : -exponent >= count ? 1 - exponent : count + 1;
        Span<char> exponentText = stackalloc char[12];
        exponent.TryFormat(exponentText, out var exponentLength, default, CultureInfo.InvariantCulture);
        var scientific = exponent != 0 && count + 1 + exponentLength < plainLength;

        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        if (scientific)
        {
            mantissa.CopyTo(destination[at..]);
            at += count;
            destination[at++] = 'e';
            exponentText[..exponentLength].CopyTo(destination[at..]);
            return at + exponentLength;
        }

        if (exponent >= 0)
        {
            mantissa.CopyTo(destination[at..]);
            at += count;
            destination.Slice(at, exponent).Fill('0');
            return at + exponent;
        }

        if (-exponent >= count)
        {
            destination[at++] = '.';
            destination.Slice(at, -exponent - count).Fill('0');
            at += -exponent - count;
            mantissa.CopyTo(destination[at..]);
            return at + count;
        }

        var whole = count + exponent;
        mantissa[..whole].CopyTo(destination[at..]);
        at += whole;
        destination[at++] = '.';
        mantissa[whole..].CopyTo(destination[at..]);
        return at + count - whole;
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
