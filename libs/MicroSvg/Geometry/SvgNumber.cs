using System.Globalization;

namespace MicroSvg.Geometry;

/// <summary>Parsing and shortest formatting of SVG numbers.</summary>
internal static class SvgNumber
{
    /// <summary>Magnitude above which values are left as written instead of rounded.</summary>
    public const double MaxRoundable = 1e12;

    private static readonly double[] Powers22 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

    private static readonly ulong[] UnsignedPowers =
    [
        1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000, 100000000000,
        1000000000000, 10000000000000, 100000000000000, 1000000000000000, 10000000000000000,
        100000000000000000, 1000000000000000000, 10000000000000000000,
    ];

    private static readonly double[] Powers = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14];

    /// <summary>Returns 10 to the given power (0 to 14).</summary>
    public static double Pow10(int decimals) => Powers[decimals];

    /// <summary>Reads one number at <paramref name="pos"/> after optional whitespace and one comma; false if none is there.</summary>
    /// <remarks>
    /// One scan collects the digits: when they fit a double exactly and the power of ten is exact
    /// too, one IEEE multiplication or division rounds correctly (Clinger's fast path) and gives the
    /// same value as <see cref="double.Parse(string)"/>; other numbers go to <see cref="double.TryParse(ReadOnlySpan{char}, NumberStyles, IFormatProvider?, out double)"/>.
    /// </remarks>
    public static bool TryRead(ReadOnlySpan<char> s, ref int pos, out double value, bool allowComma = true)
    {
        var i = SkipSeparators(s, pos, allowComma);
        var start = i;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        ulong mantissa = 0;
        var significant = 0;
        var exponent = 0;
        var digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            Accumulate(s[i], ref mantissa, ref significant, ref exponent, fraction: false);
            i++;
            digits++;
        }

        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                Accumulate(s[i], ref mantissa, ref significant, ref exponent, fraction: true);
                i++;
                digits++;
            }
        }

        if (digits == 0)
        {
            value = 0;
            return false;
        }

        var written = 0;
        if (i < s.Length && s[i] is 'e' or 'E')
        {
            var j = i + 1;
            var negativeExponent = false;
            if (j < s.Length && s[j] is '+' or '-')
            {
                negativeExponent = s[j] == '-';
                j++;
            }

            if (j < s.Length && char.IsAsciiDigit(s[j]))
            {
                while (j < s.Length && char.IsAsciiDigit(s[j]))
                {
                    written = Math.Min((written * 10) + (s[j] - '0'), 100000);
                    j++;
                }

                written = negativeExponent ? -written : written;
                i = j;
            }
        }

        exponent += written;
        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
        }
        else if (significant <= 15 && exponent is >= -22 and <= 22)
        {
            value = exponent < 0 ? mantissa / Powers22[-exponent] : mantissa * Powers22[exponent];
            value = negative ? -value : value;
        }
        else if (!double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            return false;
        }

        pos = i;
        return true;
    }

    /// <summary>Adds one digit to the mantissa; leading zeros are not significant, fraction digits lower the exponent.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(char c, ref ulong mantissa, ref int significant, ref int exponent, bool fraction)
    {
        if (mantissa != 0 || c != '0')
        {
            // Past 19 digits the mantissa would overflow; the count alone then sends the number to the slow path.
            if (++significant <= 19)
            {
                mantissa = (mantissa * 10) + (ulong)(c - '0');
            }
            else if (!fraction)
            {
                exponent++;
            }
        }

        if (fraction && significant <= 19)
        {
            exponent--;
        }
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

        // Trailing zeros go into the exponent; the digits are then written straight into place.
        var exponent = -decimals;
        var (quotient, remainder) = Math.DivRem(magnitude, 10UL);
        while (remainder == 0)
        {
            exponent++;
            magnitude = quotient;
            (quotient, remainder) = Math.DivRem(magnitude, 10UL);
        }

        var count = DigitCount(magnitude);
        var plainLength = exponent >= 0 ? count + exponent : -exponent >= count ? 1 - exponent : count + 1;
        var exponentLength = (exponent < 0 ? 1 : 0) + DigitCount((uint)Math.Abs(exponent));
        var scientific = exponent != 0 && count + 1 + exponentLength < plainLength;

        var at = 0;
        if (negative)
        {
            destination[at++] = '-';
        }

        if (scientific)
        {
            WriteDigits(magnitude, destination.Slice(at, count));
            at += count;
            destination[at++] = 'e';
            exponent.TryFormat(destination[at..], out var written, default, CultureInfo.InvariantCulture);
            return at + written;
        }

        if (exponent >= 0)
        {
            WriteDigits(magnitude, destination.Slice(at, count));
            at += count;
            destination.Slice(at, exponent).Fill('0');
            return at + exponent;
        }

        if (-exponent >= count)
        {
            destination[at++] = '.';
            destination.Slice(at, -exponent - count).Fill('0');
            at += -exponent - count;
            WriteDigits(magnitude, destination.Slice(at, count));
            return at + count;
        }

        // Fraction digits from the last, then the point, then the whole part.
        var end = at + count + 1;
        var next = end;
        for (var i = exponent; i < 0; i++)
        {
            (magnitude, remainder) = Math.DivRem(magnitude, 10UL);
            destination[--next] = (char)('0' + (int)remainder);
        }

        destination[--next] = '.';
        WriteDigits(magnitude, destination[at..next]);
        return end;
    }

    /// <summary>Writes the decimal digits of <paramref name="value"/>, which has exactly as many as <paramref name="destination"/> holds.</summary>
    private static void WriteDigits(ulong value, Span<char> destination)
    {
        for (var i = destination.Length - 1; i >= 0; i--)
        {
            (value, var digit) = Math.DivRem(value, 10UL);
            destination[i] = (char)('0' + (int)digit);
        }
    }

    private static int DigitCount(ulong value)
    {
        var count = 1;
        while (count < UnsignedPowers.Length && value >= UnsignedPowers[count])
        {
            count++;
        }

        return count;
    }

    private static int DigitCount(uint value)
    {
        var count = 1;
        while (value >= 10)
        {
            value /= 10;
            count++;
        }

        return count;
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
