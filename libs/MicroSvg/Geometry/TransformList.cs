using System.Globalization;

namespace MicroSvg.Geometry;

/// <summary>Parses and writes SVG transform lists.</summary>
internal static class TransformList
{
    /// <summary>Parses a transform list into one matrix; false if the syntax is invalid.</summary>
    public static bool TryParse(string value, out Matrix matrix)
    {
        matrix = Matrix.Identity;
        var s = value.AsSpan();
        var pos = 0;
        Span<double> args = stackalloc double[6];
        while (true)
        {
            pos = SvgNumber.SkipSeparators(s, pos);
            if (pos >= s.Length)
            {
                return true;
            }

            var nameStart = pos;
            while (pos < s.Length && char.IsAsciiLetter(s[pos]))
            {
                pos++;
            }

            var name = s[nameStart..pos];
            pos = SvgNumber.SkipSeparators(s, pos, allowComma: false);
            if (pos >= s.Length || s[pos] != '(')
            {
                return false;
            }

            pos++;
            var count = 0;
            while (count < 6 && SvgNumber.TryRead(s, ref pos, out args[count], allowComma: count > 0))
            {
                count++;
            }

            pos = SvgNumber.SkipSeparators(s, pos, allowComma: false);
            if (pos >= s.Length || s[pos] != ')')
            {
                return false;
            }

            pos++;
            Matrix step;
            switch (name)
            {
                case "matrix" when count == 6:
                    step = new Matrix(args[0], args[1], args[2], args[3], args[4], args[5]);
                    break;
                case "translate" when count is 1 or 2:
                    step = new Matrix(1, 0, 0, 1, args[0], count == 2 ? args[1] : 0);
                    break;
                case "scale" when count is 1 or 2:
                    step = new Matrix(args[0], 0, 0, count == 2 ? args[1] : args[0], 0, 0);
                    break;
                case "rotate" when count is 1 or 3:
                    var radians = args[0] * Math.PI / 180;
                    var (sin, cos) = ExactSinCos(args[0], radians);
                    step = new Matrix(cos, sin, -sin, cos, 0, 0);
                    if (count == 3)
                    {
                        step = new Matrix(1, 0, 0, 1, args[1], args[2]).Multiply(step).Multiply(new Matrix(1, 0, 0, 1, -args[1], -args[2]));
                    }

                    break;
                case "skewX" when count == 1:
                    step = new Matrix(1, 0, Math.Tan(args[0] * Math.PI / 180), 1, 0, 0);
                    break;
                case "skewY" when count == 1:
                    step = new Matrix(1, Math.Tan(args[0] * Math.PI / 180), 0, 1, 0, 0);
                    break;
                default:
                    return false;
            }

            matrix = matrix.Multiply(step);
        }
    }

    /// <summary>Writes the matrix in its shortest form with the given decimals for translation and factors.</summary>
    public static string Format(Matrix m, int translateDecimals, int factorDecimals)
    {
        string F(double v) => SvgNumber.Format(v, factorDecimals);
        string T(double v) => SvgNumber.Format(v, translateDecimals);
        // Some renderers split transform arguments on separators only, so every argument gets one.
        string Join(params string[] parts) => string.Join(' ', parts);

        var a = F(m.A);
        var b = F(m.B);
        var c = F(m.C);
        var d = F(m.D);
        var e = T(m.E);
        var f = T(m.F);
        var candidates = new List<string> { "matrix(" + Join(a, b, c, d, e, f) + ")" };
        var noTranslate = e == "0" && f == "0";
        var translate = f == "0" ? "translate(" + e + ")" : "translate(" + Join(e, f) + ")";
        if (b == "0" && c == "0")
        {
            var scale = a == d ? "scale(" + a + ")" : "scale(" + Join(a, d) + ")";
            if (a == "1" && d == "1")
            {
                candidates.Add(noTranslate ? string.Empty : translate);
            }
            else
            {
                candidates.Add(noTranslate ? scale : translate + " " + scale);
            }
        }
        else if (a == d && Negate(b) == c)
        {
            var angle = Math.Atan2(m.B, m.A) * 180 / Math.PI;
            var scaleFactor = Math.Sqrt((m.A * m.A) + (m.B * m.B));
            var rotate = "rotate(" + SvgNumber.Format(angle, Math.Min(factorDecimals, 12)) + ")";
            var (sin, cos) = ExactSinCos(double.Parse(SvgNumber.Format(angle, Math.Min(factorDecimals, 12)), CultureInfo.InvariantCulture), angle * Math.PI / 180);
            if (F(cos * scaleFactor) == a && F(sin * scaleFactor) == b && F(-sin * scaleFactor) == c)
            {
                var scale = F(scaleFactor) == "1" ? string.Empty : "scale(" + F(scaleFactor) + ")";
                candidates.Add(string.Join(' ', new[] { noTranslate ? string.Empty : translate, rotate, scale }.Where(x => x.Length > 0)));
            }
        }

        return candidates.MinBy(x => x.Length)!;
    }

    private static string Negate(string number) => number.StartsWith('-') ? number[1..] : "-" + number;

    /// <summary>Joins numbers with the fewest separators (a minus sign or a second decimal point separates by itself).</summary>
    public static string JoinNumbers(IReadOnlyList<string> numbers)
    {
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < numbers.Count; i++)
        {
            if (i > 0)
            {
                var last = numbers[i - 1];
                var next = numbers[i];
                var merges = next[0] == '-' || (next[0] == '.' && (last.Contains('.', StringComparison.Ordinal) || last.Contains('e', StringComparison.Ordinal)));
                if (!merges)
                {
                    sb.Append(' ');
                }
            }

            sb.Append(numbers[i]);
        }

        return sb.ToString();
    }

    /// <summary>Sine and cosine that are exact for multiples of 90 degrees.</summary>
    private static (double Sin, double Cos) ExactSinCos(double degrees, double radians)
    {
        var normalized = degrees % 360;
        if (normalized < 0)
        {
            normalized += 360;
        }

        return normalized switch
        {
            0 => (0, 1),
            90 => (1, 0),
            180 => (0, -1),
            270 => (-1, 0),
            _ => (Math.Sin(radians), Math.Cos(radians)),
        };
    }
}
