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
        double cx = 0, cy = 0, sx = 0, sy = 0;
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
            var ox = relative ? cx : 0;
            var oy = relative ? cy : 0;
            var p = default(PathCommand);
            p.Command = char.ToUpperInvariant(command);
            switch (p.Command)
            {
                case 'Z':
                    p.X = sx;
                    p.Y = sy;
                    break;
                case 'M':
                case 'L':
                case 'T':
                    if (!Read(s, ref pos, out p.X, out p.Y, ox, oy))
                    {
                        return false;
                    }

                    break;
                case 'H':
                    if (!SvgNumber.TryRead(s, ref pos, out p.X))
                    {
                        return false;
                    }

                    p.X += ox;
                    p.Y = cy;
                    break;
                case 'V':
                    if (!SvgNumber.TryRead(s, ref pos, out p.Y))
                    {
                        return false;
                    }

                    p.Y += oy;
                    p.X = cx;
                    break;
                case 'C':
                    if (!Read(s, ref pos, out p.X1, out p.Y1, ox, oy) || !Read(s, ref pos, out p.X2, out p.Y2, ox, oy) || !Read(s, ref pos, out p.X, out p.Y, ox, oy))
                    {
                        return false;
                    }

                    break;
                case 'S':
                    if (!Read(s, ref pos, out p.X2, out p.Y2, ox, oy) || !Read(s, ref pos, out p.X, out p.Y, ox, oy))
                    {
                        return false;
                    }

                    break;
                case 'Q':
                    if (!Read(s, ref pos, out p.X1, out p.Y1, ox, oy) || !Read(s, ref pos, out p.X, out p.Y, ox, oy))
                    {
                        return false;
                    }

                    break;
                case 'A':
                    if (!SvgNumber.TryRead(s, ref pos, out p.Rx) || !SvgNumber.TryRead(s, ref pos, out p.Ry) || !SvgNumber.TryRead(s, ref pos, out p.Angle)
                        || !ReadFlag(s, ref pos, out p.LargeArc) || !ReadFlag(s, ref pos, out p.Sweep) || !Read(s, ref pos, out p.X, out p.Y, ox, oy))
                    {
                        return false;
                    }

                    break;
            }

            commands.Add(p);
            cx = p.X;
            cy = p.Y;
            if (p.Command == 'M')
            {
                sx = p.X;
                sy = p.Y;

                // Coordinates after a moveto are implicit linetos.
                command = relative ? 'l' : 'L';
            }
        }
    }

    private static bool Read(ReadOnlySpan<char> s, ref int pos, out double x, out double y, double ox, double oy)
    {
        y = 0;
        if (!SvgNumber.TryRead(s, ref pos, out x) || !SvgNumber.TryRead(s, ref pos, out y))
        {
            return false;
        }

        x += ox;
        y += oy;
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
}
