namespace MicroSvg.Geometry;

/// <summary>Parses path data into absolute commands.</summary>
internal static class PathParser
{
    /// <summary>
    /// Parses <paramref name="d"/>. Returns false when the data has an error anywhere: SVG renders
    /// such a path up to the error, so callers leave it exactly as written.
    /// </summary>
    public static bool TryParse(string d, out List<PathCommand> commands)
    {
        commands = new List<PathCommand>(Math.Max(4, d.Length / 8));
        return TryParse(d, commands);
    }

    /// <summary>Parses <paramref name="d"/> into <paramref name="commands"/>, which is cleared first, so callers can reuse one list.</summary>
    public static bool TryParse(string d, List<PathCommand> commands)
    {
        commands.Clear();
        var s = d.AsSpan();
        var pos = SvgNumber.SkipSeparators(s, 0, allowComma: false);
        var state = default(State);
        var command = '\0';
        var first = true;
        while (true)
        {
            pos = SvgNumber.SkipSeparators(s, pos, allowComma: false);
            if (pos >= s.Length)
            {
                return !first;
            }

            var c = s[pos];
            if (char.IsAsciiLetter(c))
            {
                if ("MmLlHhVvCcSsQqTtAaZz".IndexOf(c, StringComparison.Ordinal) < 0)
                {
                    return false;
                }

                command = c;
                pos++;
            }
            else if (command is '\0' or 'Z' or 'z')
            {
                return false;
            }

            if (first && command is not ('M' or 'm'))
            {
                return false;
            }

            first = false;
            var relative = char.IsAsciiLetterLower(command);
            var p = default(PathCommand);
            p.Command = char.ToUpperInvariant(command);
            if (!ReadSegment(s, ref pos, ref p, relative, ref state))
            {
                return false;
            }

            commands.Add(p);
            if (p.Command == 'M')
            {
                // Coordinates after a moveto are implicit linetos.
                command = relative ? 'l' : 'L';
            }
        }
    }

    /// <summary>Reads the numbers of one segment and advances the current point, in double and as a renderer does in float.</summary>
    private static bool ReadSegment(ReadOnlySpan<char> s, ref int pos, ref PathCommand p, bool relative, ref State state)
    {
        p.HasRendered = true;
        var origin = relative ? state.Current : default;
        var digits = relative ? state.CurrentDigits : 0;
        switch (p.Command)
        {
            case 'Z':
                (p.X, p.Y, p.RenderedX, p.RenderedY) = (state.Start.X, state.Start.Y, state.Start.RenderedX, state.Start.RenderedY);
                digits = state.StartDigits;
                break;
            case 'M':
            case 'L':
            case 'T':
                if (!ReadPoint(s, ref pos, origin, ref digits, out var end))
                {
                    return false;
                }

                (p.X, p.Y, p.RenderedX, p.RenderedY) = (end.X, end.Y, end.RenderedX, end.RenderedY);
                if (p.Command == 'T')
                {
                    (p.RenderedX1, p.RenderedY1) = state.AfterQuadratic ? Reflect(state.RenderedControlX, state.RenderedControlY, state.Current.RenderedX, state.Current.RenderedY) : (state.Current.RenderedX, state.Current.RenderedY);
                }

                break;
            case 'H':
            case 'V':
                if (!ReadNumber(s, ref pos, out var value, out var rendered, ref digits))
                {
                    return false;
                }

                (p.X, p.Y, p.RenderedX, p.RenderedY) = (state.Current.X, state.Current.Y, state.Current.RenderedX, state.Current.RenderedY);
                digits = Math.Max(digits, state.CurrentDigits);
                if (p.Command == 'H')
                {
                    (p.X, p.RenderedX) = (value + origin.X, relative ? rendered + origin.RenderedX : rendered);
                }
                else
                {
                    (p.Y, p.RenderedY) = (value + origin.Y, relative ? rendered + origin.RenderedY : rendered);
                }

                break;
            case 'C':
            case 'S':
            case 'Q':
                var control = default(Point);
                if (p.Command != 'S' && !ReadPoint(s, ref pos, origin, ref digits, out control))
                {
                    return false;
                }

                var second = default(Point);
                if (p.Command != 'Q' && !ReadPoint(s, ref pos, origin, ref digits, out second))
                {
                    return false;
                }

                if (!ReadPoint(s, ref pos, origin, ref digits, out end))
                {
                    return false;
                }

                (p.X, p.Y, p.RenderedX, p.RenderedY) = (end.X, end.Y, end.RenderedX, end.RenderedY);
                (p.X1, p.Y1, p.RenderedX1, p.RenderedY1) = (control.X, control.Y, control.RenderedX, control.RenderedY);
                if (p.Command == 'S')
                {
                    (p.RenderedX1, p.RenderedY1) = state.AfterCubic ? Reflect(state.RenderedControlX, state.RenderedControlY, state.Current.RenderedX, state.Current.RenderedY) : (state.Current.RenderedX, state.Current.RenderedY);
                }

                if (p.Command != 'Q')
                {
                    (p.X2, p.Y2, p.RenderedX2, p.RenderedY2) = (second.X, second.Y, second.RenderedX, second.RenderedY);
                }

                break;
            case 'A':
                var ignored = 0;
                if (!SvgNumber.TryRead(s, ref pos, out p.Rx) || !SvgNumber.TryRead(s, ref pos, out p.Ry) || !SvgNumber.TryRead(s, ref pos, out p.Angle)
                    || !ReadFlag(s, ref pos, out p.LargeArc) || !ReadFlag(s, ref pos, out p.Sweep) || !ReadPoint(s, ref pos, origin, ref ignored, out end))
                {
                    return false;
                }

                digits = Math.Max(digits, ignored);
                (p.X, p.Y, p.RenderedX, p.RenderedY) = (end.X, end.Y, end.RenderedX, end.RenderedY);
                break;
        }

        p.Digits = digits;
        p.DependsOnPrevious = relative || p.Command is 'S' or 'T' or 'H' or 'V';
        state.Advance(p);
        return true;
    }

    /// <summary>The reflection of a control point about the current point, computed as the reference renderer does.</summary>
    public static (float X, float Y) Reflect(float x, float y, float mirrorX, float mirrorY)
    {
        var dx = Math.Abs(mirrorX - x);
        var dy = Math.Abs(mirrorY - y);
        return (mirrorX + (mirrorX >= x ? dx : -dx), mirrorY + (mirrorY >= y ? dy : -dy));
    }

    private static bool ReadPoint(ReadOnlySpan<char> s, ref int pos, Point origin, ref int digits, out Point point)
    {
        point = default;
        if (!ReadNumber(s, ref pos, out var x, out var renderedX, ref digits) || !ReadNumber(s, ref pos, out var y, out var renderedY, ref digits))
        {
            return false;
        }

        // A relative origin is never the default point with nonzero floats, so adding it is exact for absolute data.
        point = new Point(x + origin.X, y + origin.Y, renderedX + origin.RenderedX, renderedY + origin.RenderedY);
        return true;
    }

    private static bool ReadNumber(ReadOnlySpan<char> s, ref int pos, out double value, out float rendered, ref int digits)
    {
        if (!SvgNumber.TryRead(s, ref pos, out value, out rendered, out var fractionDigits))
        {
            return false;
        }

        digits = Math.Max(digits, fractionDigits);
        return true;
    }

    private static bool ReadFlag(ReadOnlySpan<char> s, ref int pos, out bool flag)
    {
        var i = SvgNumber.SkipSeparators(s, pos);
        flag = false;
        if (i >= s.Length || s[i] is not ('0' or '1'))
        {
            return false;
        }

        flag = s[i] == '1';
        pos = i + 1;
        return true;
    }

    /// <summary>A point in double precision and as rendered in single precision.</summary>
    private readonly record struct Point(double X, double Y, float RenderedX, float RenderedY);

    /// <summary>The parser's current point, subpath start and shorthand state.</summary>
    private struct State
    {
        public Point Current;
        public Point Start;
        public int CurrentDigits;
        public int StartDigits;
        public bool AfterCubic;
        public bool AfterQuadratic;
        public float RenderedControlX;
        public float RenderedControlY;

        public void Advance(in PathCommand p)
        {
            this.Current = new Point(p.X, p.Y, p.RenderedX, p.RenderedY);
            this.CurrentDigits = p.Digits;
            if (p.Command == 'M')
            {
                this.Start = this.Current;
                this.StartDigits = p.Digits;
            }

            // The reference renderer reflects only after a curve of the same kind, in float.
            this.AfterCubic = p.Command is 'C' or 'S';
            this.AfterQuadratic = p.Command is 'Q' or 'T';
            (this.RenderedControlX, this.RenderedControlY) = p.Command switch
            {
                'C' or 'S' => (p.RenderedX2, p.RenderedY2),
                'Q' or 'T' => (p.RenderedX1, p.RenderedY1),
                _ => (0f, 0f),
            };
        }
    }
}
