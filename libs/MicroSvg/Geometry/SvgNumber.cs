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
    public static bool TryRead(ReadOnlySpan<char> s, ref int pos, out double value, bool allowComma = true) =>
        TryRead(s, ref pos, out value, out _, out _, out _, allowComma);

    /// <summary>
    /// Reads one number like <see cref="TryRead(ReadOnlySpan{char}, ref int, out double, bool)"/> and also
    /// returns what the reference renderer draws for it (see <see cref="ToRendered(float)"/>) and how
    /// many decimals it was written with (its exponent counted).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> s, ref int pos, out double value, out float rendered, out int fractionDigits)
    {
        var start = SkipSeparators(s, pos);
        if (!TryRead(s, ref pos, out value, out var significant, out var exponent, out var mantissa))
        {
            (rendered, fractionDigits) = (0, 0);
            return false;
        }

        fractionDigits = Math.Max(0, -exponent);
        rendered = ToSingle(value, s[start..pos]);
        if (significant > 7 || (significant == 7 && LeadingDigit(mantissa) >= 8))
        {
            rendered = ToRendered(rendered);
        }

        return true;
    }

    private static ulong LeadingDigit(ulong mantissa)
    {
        while (mantissa >= 10)
        {
            mantissa /= 10;
        }

        return mantissa;
    }

    private static bool TryRead(ReadOnlySpan<char> s, ref int pos, out double value, out int significant, out int exponent, out ulong mantissa, bool allowComma = true)
    {
        var i = SkipSeparators(s, pos, allowComma);
        var start = i;
        var negative = false;
        if (i < s.Length && s[i] is '+' or '-')
        {
            negative = s[i] == '-';
            i++;
        }

        mantissa = 0;
        significant = 0;
        exponent = 0;
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

    /// <summary>
    /// Returns the single-precision value a renderer reads for a number written as <paramref name="text"/>
    /// whose double value is <paramref name="value"/>: the correctly rounded float, as <see cref="float.Parse(string)"/> gives.
    /// </summary>
    /// <remarks>
    /// Casting the correctly rounded double is correct except when that double lies exactly halfway
    /// between two floats (the decimal may lie on either side); only then the text is parsed again.
    /// </remarks>
    public static float ToSingle(double value, ReadOnlySpan<char> text)
    {
        if (!IsFloatMidpoint(value))
        {
            return (float)value;
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : (float)value;
    }

    /// <summary>Returns the single-precision value a renderer reads for <paramref name="scaled"/> / 10^<paramref name="decimals"/> as written by <see cref="WriteScaled"/>.</summary>
    public static float ToSingle(long scaled, int decimals)
    {
        // Exact for |scaled| below 2^53: one IEEE division by an exact power of ten rounds correctly.
        var value = scaled / Powers[decimals];
        if (!IsFloatMidpoint(value) && Math.Abs(scaled) < (1L << 53))
        {
            return (float)value;
        }

        Span<char> buffer = stackalloc char[MaxScaledChars];
        var length = WriteScaled(scaled, decimals, buffer);
        return float.Parse(buffer[..length], NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Significant digits kept by the reference renderer's model of path data.</summary>
    public const int RenderedSignificantDigits = 7;

    /// <summary>
    /// Returns what the reference renderer draws for a number it parsed as <paramref name="value"/>:
    /// Svg.Skia's SVG model keeps path data as text printed with seven significant digits (format "G7")
    /// and parses that again, so a float that needs more digits moves to the nearest seven-digit decimal.
    /// </summary>
    /// <remarks>
    /// Computed arithmetically: the float scaled to seven integer digits is rounded (ties to even, as
    /// the formatter does) and divided back in one correctly rounded step. Near a tie, or outside the
    /// range where powers of ten are exact, the text round trip itself decides.
    /// </remarks>
    public static float ToRendered(float value)
    {
        if (value == 0 || !float.IsFinite(value))
        {
            return value;
        }

        var magnitude = Math.Abs((double)value);
        var shift = (RenderedSignificantDigits - 1) - (int)Math.Floor(Math.Log10(magnitude));
        if (shift is >= -22 and <= 22)
        {
            var scaled = shift >= 0 ? magnitude * Powers22[shift] : magnitude / Powers22[-shift];
            if (scaled < 1e6)
            {
                scaled *= 10;
                shift++;
            }
            else if (scaled >= 1e7)
            {
                scaled /= 10;
                shift--;
            }

            var fraction = scaled - Math.Floor(scaled);
            if (shift is >= -22 and <= 22 && Math.Abs(fraction - 0.5) > 1e-6)
            {
                var digits = Math.Round(scaled);
                var result = shift >= 0 ? digits / Powers22[shift] : digits * Powers22[-shift];
                if (!IsFloatMidpoint(result))
                {
                    return value < 0 ? -(float)result : (float)result;
                }
            }
        }

        return float.Parse(value.ToString("G7", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Returns what the reference renderer draws for <paramref name="scaled"/> / 10^<paramref name="decimals"/>
    /// (see <see cref="ToRendered(float)"/>); decimals with few significant digits come back unchanged.
    /// </summary>
    public static float ToRendered(long scaled, int decimals)
    {
        // A decimal of at most seven significant digits below 8·10^k survives the seven-digit text: the
        // float's error (under 6e-8 relative) is less than half the spacing of such decimals there.
        var digits = scaled < 0 ? -scaled : scaled;
        while (digits >= 10 && digits % 10 == 0)
        {
            digits /= 10;
        }

        var single = ToSingle(scaled, decimals);
        return digits is >= 0 and < 8_000_000 ? single : ToRendered(single);
    }

    /// <summary>Returns whether a cast to float could round <paramref name="value"/> differently from its decimal origin.</summary>
    private static bool IsFloatMidpoint(double value)
    {
        // Below the normal float range the cast does not simply drop 29 mantissa bits.
        if (value != 0 && Math.Abs(value) < 1e-37)
        {
            return true;
        }

        // A double exactly halfway between two floats has the 29 bits below the float mantissa equal to 1000…0.
        return (BitConverter.DoubleToInt64Bits(value) & 0x1FFF_FFFF) == 0x1000_0000;
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
